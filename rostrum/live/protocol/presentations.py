from typing import Annotated, Literal

from pydantic import Field

from rostrum.engagement.actions import presentations
from rostrum.engagement.constants import STROKE_COLOURS, STROKE_MAX_POINTS, STROKE_MAX_WIDTH, STROKE_MIN_WIDTH
from rostrum.live.protocol.base import Empty, Frame
from rostrum.live.ratelimit import Rate
from rostrum.live.registry import handles

Fraction = Annotated[float, Field(ge=0, le=1, allow_inf_nan=False)]
Page = Annotated[int, Field(ge=1)]
# The browser sends at most 20 a second (presentation.js); past 30 a second someone is flooding.
POINTER_RATE = Rate(count=30, seconds=1.0)


class Open(Frame):
    file_id: int


class MoveTo(Frame):
    page: Page


class Control(Frame):
    participant_id: int


class Downloads(Frame):
    allowed: bool


class Pointer(Frame):
    x: Fraction
    y: Fraction


class Stroke(Frame):
    page: Page
    points: Annotated[list[tuple[Fraction, Fraction]], Field(min_length=1, max_length=STROKE_MAX_POINTS)]
    colour: Literal[STROKE_COLOURS]  # type: ignore[valid-type]  # the palette, exported as an enum
    width: Annotated[int, Field(ge=STROKE_MIN_WIDTH, le=STROKE_MAX_WIDTH)]


class Clear(Frame):
    page: Page


@handles("presentation.files", Empty)
def files(context, message):
    return {"files": presentations.list_presentable_files(context)}


@handles("presentation.open", Open)
def open_file(context, message):
    return {"id": presentations.check_open_presentation(context, message.file_id).pk}


@handles("presentation.page", MoveTo)
def move_to(context, message):
    presentations.check_move_to_page(context, message.page)


@handles("presentation.close", Empty)
def close(context, message):
    presentations.check_close_presentation(context)


@handles("presentation.control", Control)
def hand_control(context, message):
    presentations.check_hand_control(context, message.participant_id)


@handles("presentation.downloads", Downloads)
def allow_downloads(context, message):
    presentations.check_allow_downloads(context, message.allowed)


@handles("presentation.pointer", Pointer, rate=POINTER_RATE)
def pointer(context, message):
    presentations.check_move_pointer(context, message.x, message.y)


@handles("presentation.stroke", Stroke)
def stroke(context, message):
    points = [list(point) for point in message.points]
    return {"id": presentations.check_add_stroke(context, message.page, points, message.colour, message.width).pk}


@handles("presentation.clear", Clear)
def clear(context, message):
    presentations.check_clear_page(context, message.page)
