"""Where each camera goes in the recording's 1280x720 picture, and when: pure functions.

- Nothing shared: the cameras in a grid (1 → the whole picture; 2 → side by side; 3-4 → 2x2;
  5-9 → 3x3).
- Something shared (a screen, a slide, a whiteboard, a video): the shared content in the left
  1024x720, the cameras as a column of thumbnails on the right (256 px wide).
- At most ``MAX_CAMERAS`` cameras at once: the first by join order (their first packet), so a
  speaker already on screen never jumps out of it when someone joins later.

The layout changes whenever a camera starts or stops or sharing starts or stops; ``plan_cameras``
gives each camera its boxes with the time intervals it holds them.
"""

import itertools
from dataclasses import dataclass, field

WIDTH, HEIGHT = 1280, 720
STRIP_WIDTH = 256
MAX_CAMERAS = 9


@dataclass(frozen=True)
class Box:
    x: int
    y: int
    width: int
    height: int


@dataclass(frozen=True)
class Window:
    """From ``start`` to ``end`` seconds of the recording."""

    start: float
    end: float

    def contains(self, moment: float) -> bool:
        return self.start <= moment < self.end


@dataclass
class Placement:
    """Camera number ``camera`` (its index in the list given) sits in ``box`` during ``intervals``."""

    camera: int
    box: Box
    intervals: list[tuple[float, float]] = field(default_factory=list)


CONTENT_BOX = Box(0, 0, WIDTH - STRIP_WIDTH, HEIGHT)
FULL_BOX = Box(0, 0, WIDTH, HEIGHT)


def even(value: float) -> int:
    return int(value) // 2 * 2


def grid_boxes(count: int) -> list[Box]:
    """``count`` cameras (1-9) side by side in 16:9 cells, the grid centred in the picture."""
    if count <= 0:
        return []
    columns = 1 if count == 1 else 2 if count <= 4 else 3
    rows = (count + columns - 1) // columns
    width, height = even(WIDTH / columns), even(HEIGHT / columns)
    top, left = even((HEIGHT - rows * height) / 2), even((WIDTH - columns * width) / 2)
    return [
        Box(left + (number % columns) * width, top + (number // columns) * height, width, height)
        for number in range(count)
    ]


def strip_boxes(count: int) -> list[Box]:
    """``count`` thumbnails (1-9) in a column right of the shared content, centred vertically."""
    if count <= 0:
        return []
    height = even(min(STRIP_WIDTH * 9 / 16, HEIGHT / count))
    width = even(height * 16 / 9)
    top = even((HEIGHT - count * height) / 2)
    left = WIDTH - STRIP_WIDTH + even((STRIP_WIDTH - width) / 2)
    return [Box(left, top + number * height, width, height) for number in range(count)]


def camera_boxes(count: int, is_sharing: bool) -> list[Box]:
    count = min(count, MAX_CAMERAS)
    return strip_boxes(count) if is_sharing else grid_boxes(count)


def change_points(cameras: list[Window], shared: list[Window], duration: float) -> list[float]:
    moments = {0.0, duration}
    for window in [*cameras, *shared]:
        moments.update(min(max(moment, 0.0), duration) for moment in (window.start, window.end))
    return sorted(moments)


def plan_cameras(cameras: list[Window], shared: list[Window], duration: float) -> list[Placement]:
    """Each camera's boxes over time. ``cameras`` are the camera tracks' windows, ``shared`` the
    windows of everything shown as content; cameras on at the same time keep their join order."""
    order = sorted(range(len(cameras)), key=lambda number: (cameras[number].start, number))
    placements: dict[tuple[int, Box], Placement] = {}
    moments = change_points(cameras, shared, duration)
    for start, end in itertools.pairwise(moments):
        if end <= start:
            continue
        middle = (start + end) / 2
        active = [number for number in order if cameras[number].contains(middle)][:MAX_CAMERAS]
        is_sharing = any(window.contains(middle) for window in shared)
        for number, box in zip(active, camera_boxes(len(active), is_sharing), strict=True):
            placement = placements.setdefault((number, box), Placement(number, box))
            if placement.intervals and placement.intervals[-1][1] == start:
                placement.intervals[-1] = (placement.intervals[-1][0], end)
            else:
                placement.intervals.append((start, end))
    return sorted(placements.values(), key=lambda p: (p.camera, p.intervals[0][0]))
