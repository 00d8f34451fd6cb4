"""The board as a picture (Pillow): for the PNG/PDF exports and the recording's composition
(which also draws a presentation's strokes with ``draw_pen``).

``render_board`` is pure: it draws what it is given (at a moment, if told one). ``items_at`` picks
what was on a board at a moment: items made by then and not yet removed (removing only ever sets
``removed_at``).
Sizes follow the room's canvas (whiteboard.js): a width is in thousandths of the board's width,
a text's letters are six times its width tall.
"""

import math
from collections.abc import Iterable
from datetime import datetime
from functools import lru_cache

from PIL import Image, ImageDraw, ImageFont

from rostrum.whiteboard.constants import EXPORT_HEIGHT, EXPORT_WIDTH, SHADES, ItemKind
from rostrum.whiteboard.models import Whiteboard, WhiteboardItem

FONT_PATH = "/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf"  # Debian's fonts-dejavu-core
TEXT_SIZE_PER_WIDTH = 6
ARROW_HEAD_ANGLE = math.radians(25)


def items_at(board: Whiteboard, when: datetime):
    """The items on ``board`` at ``when``, in the order they were drawn."""
    return WhiteboardItem.objects.filter(board=board, created_at__lte=when).exclude(removed_at__lte=when).order_by("id")


def _visible(item: WhiteboardItem, at: datetime | None) -> bool:
    if at is None:
        return True
    return item.created_at <= at and (item.removed_at is None or item.removed_at > at)


@lru_cache(maxsize=16)
def _font(size: int) -> ImageFont.FreeTypeFont:
    return ImageFont.truetype(FONT_PATH, size)


def line_width(item_width: int, width: int) -> int:
    return max(1, round(item_width * width / 1000))


def text_size(item_width: int, width: int) -> int:
    return max(8, round(item_width * TEXT_SIZE_PER_WIDTH * width / 1000))


def arrow_head(start: tuple[float, float], end: tuple[float, float], size: float) -> list[tuple[float, float]]:
    """The two ends of an arrow's head at ``end``, ``size`` long, 25° either side of the line."""
    angle = math.atan2(end[1] - start[1], end[0] - start[0])
    return [
        (
            end[0] - size * math.cos(angle + side * ARROW_HEAD_ANGLE),
            end[1] - size * math.sin(angle + side * ARROW_HEAD_ANGLE),
        )
        for side in (-1, 1)
    ]


def draw_pen(draw: ImageDraw.ImageDraw, points: list[tuple[float, float]], colour: str, stroke: int) -> None:
    """A freehand line through ``points`` (pixels), ``stroke`` pixels wide; one point is a dot. The
    board's pen and the strokes drawn on a presentation's page (``rostrum.recordings.timeline``)."""
    if len(points) == 1:
        (x, y), radius = points[0], stroke / 2
        draw.ellipse([x - radius, y - radius, x + radius, y + radius], fill=colour)
        return
    draw.line(points, fill=colour, width=stroke, joint="curve")


def _draw(draw: ImageDraw.ImageDraw, item: WhiteboardItem, width: int, height: int) -> None:
    colour = SHADES.get(item.colour, SHADES["black"])
    stroke = line_width(item.width, width)
    points = [(x * width, y * height) for x, y in item.points]
    if item.kind == ItemKind.TEXT:
        draw.text(points[0], item.text, fill=colour, font=_font(text_size(item.width, width)), anchor="la")
        return
    if item.kind == ItemKind.PEN:
        draw_pen(draw, points, colour, stroke)
        return
    if item.kind in (ItemKind.LINE, ItemKind.ARROW):
        draw.line(points, fill=colour, width=stroke, joint="curve")
        if item.kind == ItemKind.ARROW:
            size = max(10, stroke * 4)
            for tip in arrow_head(points[0], points[1], size):
                draw.line([points[1], tip], fill=colour, width=stroke)
        return
    (x0, y0), (x1, y1) = points
    box = [min(x0, x1), min(y0, y1), max(x0, x1), max(y0, y1)]
    if item.kind == ItemKind.RECT:
        draw.rectangle(box, outline=colour, width=stroke)
    elif item.kind == ItemKind.ELLIPSE:
        draw.ellipse(box, outline=colour, width=stroke)


def render_board(
    items: Iterable[WhiteboardItem], width: int = EXPORT_WIDTH, height: int = EXPORT_HEIGHT, at: datetime | None = None
) -> Image.Image:
    """The items on a white ``width`` by ``height`` picture: all of them, or with ``at`` only those
    on the board at that moment (so ``render_board(board.items.all(), at=t)`` and
    ``render_board(items_at(board, t))`` draw the same)."""
    image = Image.new("RGB", (width, height), "white")
    draw = ImageDraw.Draw(image)
    for item in items:
        if _visible(item, at):
            _draw(draw, item, width, height)
    return image
