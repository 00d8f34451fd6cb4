"""The board drawn by Pillow: what the exports and the recording's composition show."""

from datetime import timedelta

import pytest
from django.utils import timezone

from rostrum.whiteboard.models import WhiteboardItem
from rostrum.whiteboard.render import items_at, render_board
from rostrum.whiteboard.tests.factories import make_drawn_board

RED = (0xD3, 0x2F, 0x2F)
WHITE = (255, 255, 255)


def item(kind, points, colour="red", width=8, text=""):
    return WhiteboardItem(kind=kind, points=points, colour=colour, width=width, text=text)


def test_a_red_rectangle_is_red_on_its_edges_and_white_elsewhere():
    image = render_board([item("rect", [[0.25, 0.25], [0.75, 0.75]])])
    assert image.size == (1280, 720) and image.mode == "RGB"
    # Its edges, 8/1000 of 1280 = 10 px wide, are at x 320 and 960, y 180 and 540.
    for point in [(320, 360), (960, 360), (640, 180), (640, 540), (322, 200)]:
        assert image.getpixel(point) == RED, point
    for point in [(640, 360), (100, 100), (1200, 700), (330 + 10, 360), (320, 600)]:
        assert image.getpixel(point) == WHITE, point


def test_every_kind_draws_something_in_its_colour():
    for kind, points, text in [
        ("pen", [[0.1, 0.5], [0.5, 0.5], [0.9, 0.5]], ""),
        ("pen", [[0.5, 0.5]], ""),
        ("line", [[0.1, 0.1], [0.9, 0.9]], ""),
        ("ellipse", [[0.2, 0.2], [0.8, 0.8]], ""),
        ("arrow", [[0.1, 0.5], [0.9, 0.5]], ""),
        ("text", [[0.1, 0.1]], "Hello"),
    ]:
        image = render_board([item(kind, points, colour="blue", text=text)])
        colours = {colour for _count, colour in image.getcolors(maxcolors=100_000)}
        assert (0x15, 0x65, 0xC0) in colours, kind
    arrow = render_board([item("arrow", [[0.1, 0.5], [0.9, 0.5]])])
    # The head's two strokes reach back from the tip, above and below the line.
    assert arrow.getpixel((1152 - 20, 360 - 8)) == RED and arrow.getpixel((1152 - 20, 360 + 8)) == RED


def test_a_text_leaves_dark_pixels_where_it_is_written():
    image = render_board([item("text", [[0.1, 0.1]], colour="black", width=4, text="Whiteboard")]).convert("L")
    written = image.crop((128, 72, 128 + 400, 72 + 40))
    dark = sum(1 for value in written.get_flattened_data() if value < 100)
    assert dark > 200
    assert all(value == 255 for value in image.crop((700, 400, 1280, 720)).get_flattened_data())


def test_removed_items_are_not_drawn_and_at_picks_a_moment():
    now = timezone.now()
    shown = item("rect", [[0.25, 0.25], [0.75, 0.75]])
    shown.created_at, shown.removed_at = now - timedelta(minutes=2), now - timedelta(minutes=1)
    assert render_board([shown], at=now).getpixel((320, 360)) == WHITE
    assert render_board([shown]).getpixel((320, 360)) == RED  # no moment: everything given is drawn
    assert render_board([shown], at=now - timedelta(seconds=90)).getpixel((320, 360)) == RED
    assert render_board([shown], at=now - timedelta(minutes=3)).getpixel((320, 360)) == WHITE


@pytest.mark.django_db
def test_items_at_respects_when_items_were_made_and_removed(owner):
    corners = [[0.2, 0.2], [0.6, 0.6]]
    _room, _host, board = make_drawn_board(
        owner, ("rect", corners, "red", 4, ""), ("line", corners, "blue", 4, ""), ("pen", corners, "green", 4, "")
    )
    rect, line, pen = WhiteboardItem.objects.order_by("id")
    t0 = timezone.now() - timedelta(minutes=10)
    minute = timedelta(minutes=1)
    WhiteboardItem.objects.filter(pk=rect.pk).update(created_at=t0, removed_at=t0 + 3 * minute)
    WhiteboardItem.objects.filter(pk=line.pk).update(created_at=t0 + minute, removed_at=None)
    WhiteboardItem.objects.filter(pk=pen.pk).update(created_at=t0 + 2 * minute, removed_at=t0 + 2 * minute)

    def ids(when):
        return [i.pk for i in items_at(board, when)]

    assert ids(t0 - minute) == []
    assert ids(t0) == [rect.pk]
    assert ids(t0 + minute) == [rect.pk, line.pk]
    assert ids(t0 + 2 * minute) == [rect.pk, line.pk]  # the pen was removed the moment it was made
    assert ids(t0 + 3 * minute) == [line.pk]
    assert ids(timezone.now()) == [line.pk]
    then = t0 + 30 * timedelta(seconds=1)
    for image in (render_board(items_at(board, then)), render_board(board.items.all(), at=then)):
        assert image.getpixel((256, 288)) == RED  # the rectangle's left edge at x 0.2, y 0.4
        assert image.getpixel((512, 288)) == WHITE  # the line (made later) is not there yet
