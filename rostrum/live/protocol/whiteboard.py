"""Whiteboard frames (rostrum.whiteboard.actions): show, hide, let everyone draw, add, erase, undo, redo,
clear."""

from typing import Annotated, Literal

from pydantic import Field

from rostrum.live.protocol.base import Empty, Frame
from rostrum.live.registry import handles
from rostrum.whiteboard import actions
from rostrum.whiteboard.constants import (
    STROKE_COLOURS,
    STROKE_MAX_POINTS,
    STROKE_MAX_WIDTH,
    STROKE_MIN_WIDTH,
    TEXT_MAX_LENGTH,
    ItemKind,
)

Fraction = Annotated[float, Field(ge=0, le=1, allow_inf_nan=False)]


class Allow(Frame):
    allowed: bool


class Add(Frame):
    kind: Literal[tuple(ItemKind.values)]  # type: ignore[valid-type]  # exported as an enum
    points: Annotated[list[tuple[Fraction, Fraction]], Field(min_length=1, max_length=STROKE_MAX_POINTS)]
    colour: Literal[STROKE_COLOURS]  # type: ignore[valid-type]  # the palette, exported as an enum
    width: Annotated[int, Field(ge=STROKE_MIN_WIDTH, le=STROKE_MAX_WIDTH)]
    text: Annotated[str, Field(max_length=TEXT_MAX_LENGTH)] = ""


class Erase(Frame):
    item_id: int


@handles("whiteboard.show", Empty)
def show(context, message):
    return {"id": actions.check_show_board(context).pk}


@handles("whiteboard.hide", Empty)
def hide(context, message):
    actions.check_hide_board(context)


@handles("whiteboard.allow_everyone", Allow)
def allow_everyone(context, message):
    actions.check_allow_everyone(context, message.allowed)


@handles("whiteboard.add", Add)
def add(context, message):
    points = [list(point) for point in message.points]
    item = actions.check_add_item(context, message.kind, points, message.colour, message.width, message.text)
    return {"id": item.pk}


@handles("whiteboard.erase", Erase)
def erase(context, message):
    actions.check_erase_item(context, message.item_id)


@handles("whiteboard.undo", Empty)
def undo(context, message):
    return {"id": actions.check_undo(context)}


@handles("whiteboard.redo", Empty)
def redo(context, message):
    return {"id": actions.check_redo(context)}


@handles("whiteboard.clear", Empty)
def clear(context, message):
    actions.check_clear_board(context)
