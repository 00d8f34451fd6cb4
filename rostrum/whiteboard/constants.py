from django.db import models
from django.utils.translation import gettext_lazy as _

# The pen's palette, widths and points are the presentations' (one set of tools in the room).
from rostrum.engagement.constants import STROKE_COLOURS, STROKE_MAX_POINTS, STROKE_MAX_WIDTH, STROKE_MIN_WIDTH

__all__ = ["STROKE_COLOURS", "STROKE_MAX_POINTS", "STROKE_MAX_WIDTH", "STROKE_MIN_WIDTH"]


class ItemKind(models.TextChoices):
    PEN = "pen", _("Pen")
    LINE = "line", _("Line")
    RECT = "rect", _("Rectangle")
    ELLIPSE = "ellipse", _("Ellipse")
    ARROW = "arrow", _("Arrow")
    TEXT = "text", _("Text")


class RemovalReason(models.TextChoices):
    """Why an item left the board. Only ``UNDONE`` items may come back, by their author's redo."""

    UNDONE = "undone", _("Undone (may be redone)")  # on its author's redo stack
    # Undone, then redone: the board has a copy made at the redo (this row keeps when it was away).
    REDONE = "redone", _("Undone, then redone")
    # Undone, then its author added something new or an organiser cleared the board: off the stack.
    SUPERSEDED = "superseded", _("Undone for good")
    ERASED = "erased", _("Erased")
    CLEARED = "cleared", _("Cleared")


# How many points each kind has: a pen line 1 to STROKE_MAX_POINTS, a shape its two corners (or
# ends), a text where it starts (its top left).
SHAPE_KINDS = (ItemKind.LINE, ItemKind.RECT, ItemKind.ELLIPSE, ItemKind.ARROW)
TEXT_MAX_LENGTH = 500

# The shade each palette colour is drawn in: the same as presentation.js and whiteboard.js.
SHADES = {"red": "#d32f2f", "blue": "#1565c0", "green": "#2e7d32", "orange": "#ef6c00", "black": "#212121"}

# Per participant: at most this many items added in this many seconds (a burst of shapes is fine,
# a script flooding the board is not).
ADD_RATE_COUNT = 20
ADD_RATE_SECONDS = 1

# The exported image, and the size of the board in the room (16:9).
EXPORT_WIDTH = 1280
EXPORT_HEIGHT = 720
