"""Where cameras go in the recording (pure): a grid when nothing is shared, a strip of thumbnails
beside the shared content otherwise; changes over time; at most nine, the first by join order."""

import pytest

from rostrum.recordings.layout import (
    CONTENT_BOX,
    HEIGHT,
    MAX_CAMERAS,
    WIDTH,
    Box,
    Window,
    camera_boxes,
    plan_cameras,
)


def overlaps(first: Box, second: Box) -> bool:
    return (
        first.x < second.x + second.width
        and second.x < first.x + first.width
        and first.y < second.y + second.height
        and second.y < first.y + first.height
    )


def inside(box: Box, outer: Box) -> bool:
    return (
        box.x >= outer.x
        and box.y >= outer.y
        and box.x + box.width <= outer.x + outer.width
        and box.y + box.height <= outer.y + outer.height
    )


CANVAS = Box(0, 0, WIDTH, HEIGHT)
EXPECTED_GRID = {1: (1, 1), 2: (2, 1), 3: (2, 2), 4: (2, 2), 5: (3, 2), 6: (3, 2), 7: (3, 3), 8: (3, 3), 9: (3, 3)}


@pytest.mark.parametrize("count", range(1, 11))
def test_the_grid_shows_up_to_nine_cameras_in_equal_16_9_cells_without_overlap(count):
    boxes = camera_boxes(count, is_sharing=False)
    assert len(boxes) == min(count, MAX_CAMERAS)
    columns, rows = EXPECTED_GRID[len(boxes)]
    assert len({b.x for b in boxes}) == columns and len({b.y for b in boxes}) == rows
    assert len({(b.width, b.height) for b in boxes}) == 1
    width, height = boxes[0].width, boxes[0].height
    assert width == WIDTH // columns // 2 * 2 and abs(width / height - 16 / 9) < 0.02
    assert all(inside(b, CANVAS) for b in boxes)
    assert not any(overlaps(a, b) for i, a in enumerate(boxes) for b in boxes[i + 1 :])


def test_one_camera_fills_the_picture_and_two_sit_side_by_side_centred():
    assert camera_boxes(1, is_sharing=False) == [Box(0, 0, 1280, 720)]
    assert camera_boxes(2, is_sharing=False) == [Box(0, 180, 640, 360), Box(640, 180, 640, 360)]
    assert camera_boxes(4, is_sharing=False)[3] == Box(640, 360, 640, 360)
    assert camera_boxes(9, is_sharing=False)[8] == Box(852, 480, 426, 240)


@pytest.mark.parametrize("count", range(1, 11))
def test_while_sharing_the_cameras_are_a_strip_right_of_the_content(count):
    boxes = camera_boxes(count, is_sharing=True)
    assert len(boxes) == min(count, MAX_CAMERAS)
    assert all(inside(b, CANVAS) and not overlaps(b, CONTENT_BOX) for b in boxes)
    assert all(b.x >= CONTENT_BOX.width for b in boxes)
    assert not any(overlaps(a, b) for i, a in enumerate(boxes) for b in boxes[i + 1 :])
    assert [b.y for b in boxes] == sorted(b.y for b in boxes)  # join order, top to bottom
    if count <= 5:
        assert {(b.width, b.height) for b in boxes} == {(256, 144)}


def test_a_late_camera_gets_its_place_only_from_its_start_and_the_first_fills_the_picture_before():
    placements = plan_cameras([Window(0, 10), Window(4, 8)], [], 10)
    assert [(p.camera, p.box, p.intervals) for p in placements] == [
        (0, Box(0, 0, 1280, 720), [(0, 4), (8, 10)]),
        (0, Box(0, 180, 640, 360), [(4, 8)]),
        (1, Box(640, 180, 640, 360), [(4, 8)]),
    ]


def test_sharing_moves_the_cameras_into_the_strip_for_its_window_only():
    placements = plan_cameras([Window(0, 10)], [Window(2, 5)], 10)
    assert [(p.box, p.intervals) for p in placements] == [
        (Box(0, 0, 1280, 720), [(0, 2), (5, 10)]),
        (camera_boxes(1, is_sharing=True)[0], [(2, 5)]),
    ]


def test_more_than_nine_cameras_show_the_first_nine_by_join_order_and_the_tenth_when_one_leaves():
    cameras = [Window(number, 100) for number in range(9)] + [Window(20, 100)]
    cameras[3] = Window(3, 50)  # the fourth speaker leaves at 50 s
    placements = plan_cameras(cameras, [], 100)
    tenth = [p for p in placements if p.camera == 9]
    assert tenth and min(p.intervals[0][0] for p in tenth) == 50
    at_30 = [p for p in placements if any(a <= 30 < b for a, b in p.intervals)]
    assert sorted(p.camera for p in at_30) == list(range(9))
