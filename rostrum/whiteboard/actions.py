"""The whiteboard: a shared board organisers show to the room, and draw on with whoever they allow.

Organisers show and hide it, and in a meeting may let everyone admitted draw; in a webinar only
organisers draw. Items are never deleted: erasing, undoing and clearing set ``removed_at``, so the
board at any moment can be drawn again (the recording's composition does, from the timeline
entries ``whiteboard.shown`` / ``whiteboard.hidden`` written here). A redo therefore never clears
``removed_at``: it adds a copy of the undone item, drawn from the moment of the redo.

Each drawer's redo stack is their items removed with the reason ``undone``, the most recently
undone on top. Adding an item empties the adder's stack, clearing the board empties everyone's
(those items become ``superseded``); erased and cleared items never come back.
"""

from datetime import timedelta

from django.db.models import Count, Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from rostrum.engagement.actions.presentations import check_stroke_input
from rostrum.live import audiences
from rostrum.live.errors import LiveError
from rostrum.live.publish import publish_on_commit
from rostrum.rooms.constants import RoomType
from rostrum.rooms.models import Participant
from rostrum.rooms.session_actions import lock_running_session, require_moderator
from rostrum.whiteboard.constants import (
    ADD_RATE_COUNT,
    ADD_RATE_SECONDS,
    SHAPE_KINDS,
    STROKE_MAX_POINTS,
    TEXT_MAX_LENGTH,
    ItemKind,
    RemovalReason,
)
from rostrum.whiteboard.models import Whiteboard, WhiteboardItem

# -- what the browser is sent ---------------------------------------------------------------------


def item_data(item: WhiteboardItem) -> dict:
    return {
        "id": item.pk,
        "kind": item.kind,
        "points": item.points,
        "colour": item.colour,
        "width": item.width,
        "text": item.text,
        "author_id": item.author_id,
    }


def visible_items(board: Whiteboard):
    return WhiteboardItem.objects.filter(board=board, removed_at=None).order_by("id")


def board_data(board: Whiteboard) -> dict:
    """The shown board as everyone admitted sees it: its switches and the items on it now."""
    return {
        "id": board.pk,
        "everyone_may_draw": board.everyone_may_draw,
        "items": [item_data(item) for item in visible_items(board)],
        "image_url": reverse("whiteboard_image", args=[board.pk]),
    }


def shown_board(session) -> Whiteboard | None:
    return Whiteboard.objects.filter(session=session, is_shown=True).first()


def redo_stack(board: Whiteboard, participant: Participant):
    """``participant``'s undone items on ``board`` that a redo may bring back, the last undone first."""
    undone = WhiteboardItem.objects.filter(board=board, author=participant, removal_reason=RemovalReason.UNDONE)
    # Two undos are two frames, each in its own transaction: their times differ. Were they ever
    # equal, the lower id went later (an undo takes the drawer's newest item first).
    return undone.order_by("-removed_at", "id")


def board_with_redo_count(session, participant: Participant) -> Whiteboard | None:
    """The session's board, shown or not (None: never shown), with ``redo_count``: how many items
    ``participant`` may bring back by redo. One query."""
    undone = Q(items__author=participant, items__removal_reason=RemovalReason.UNDONE)
    return Whiteboard.objects.filter(session=session).annotate(redo_count=Count("items", filter=undone)).first()


def may_draw(participant: Participant, board: Whiteboard, room_type: str) -> bool:
    if participant.is_organiser:
        return True
    return room_type == RoomType.MEETING and board.everyone_may_draw and participant.is_admitted


# -- checks ------------------------------------------------------------------------------------


def _require_shown(session) -> Whiteboard:
    board = shown_board(session)
    if board is None:
        raise LiveError("not_found", _("The whiteboard is not shown."))
    return board


def _require_drawer(context, board: Whiteboard) -> None:
    if not may_draw(context.participant, board, context.session.room.room_type):
        raise LiveError("not_allowed", _("Only those the organisers allow can draw on the whiteboard."))


def check_item_input(kind: str, points: list, colour: str, width: int, text: str) -> tuple[list, str]:
    """The points for ``kind`` (a pen 1 to 2000, a shape 2, a text 1), the pen's palette and widths,
    and for a text 1 to 500 characters (nothing for the other kinds)."""
    if kind not in ItemKind.values:
        raise LiveError("invalid", _("Choose one of the whiteboard's tools."))
    clean = check_stroke_input(points, colour, width)
    if kind in SHAPE_KINDS and len(clean) != 2:
        raise LiveError("invalid", _("A shape has two points: where it starts and where it ends."))
    if kind == ItemKind.TEXT and len(clean) != 1:
        raise LiveError("invalid", _("A text has one point: where it starts."))
    if kind == ItemKind.PEN and len(clean) > STROKE_MAX_POINTS:  # check_stroke_input's bound, said again
        raise LiveError("invalid", _("A line has 1 to %(count)d points.") % {"count": STROKE_MAX_POINTS})
    text = (text or "").strip()
    if kind == ItemKind.TEXT and not 1 <= len(text) <= TEXT_MAX_LENGTH:
        raise LiveError("invalid", _("A text has 1 to %(count)d characters.") % {"count": TEXT_MAX_LENGTH})
    if kind != ItemKind.TEXT and text:
        raise LiveError("invalid", _("Only the text tool writes text."))
    return clean, text


def _check_rate(participant: Participant) -> None:
    since = timezone.now() - timedelta(seconds=ADD_RATE_SECONDS)
    if WhiteboardItem.objects.filter(author=participant, created_at__gte=since).count() >= ADD_RATE_COUNT:
        raise LiveError(
            "rate_limited",
            _("You are drawing too fast: at most %(count)d items in %(seconds)d seconds.")
            % {"count": ADD_RATE_COUNT, "seconds": ADD_RATE_SECONDS},
        )


def _note_on_timeline(session, kind: str, board: Whiteboard) -> None:
    """``whiteboard.shown`` / ``whiteboard.hidden`` on a running recording, in this transaction."""
    from rostrum.recordings.actions import do_add_timeline_entry

    do_add_timeline_entry(session, kind, {"board_id": board.pk})


def _remove(session, board: Whiteboard, items, participant: Participant, reason: str) -> list[int]:
    """Mark ``items`` removed now for ``reason`` (undone or erased) and tell everyone; the ids removed."""
    ids = list(items.values_list("id", flat=True))
    if ids:
        WhiteboardItem.objects.filter(pk__in=ids).update(
            removed_at=timezone.now(), removed_by=participant, removal_reason=reason
        )
        data = {"id": board.pk, "ids": ids, "reason": reason}
        publish_on_commit(session, "whiteboard.items_removed", data, audiences.everyone())
    return ids


def _empty_redo_stacks(items) -> int:
    """Take the undone ones of ``items`` off their authors' redo stacks for good; how many."""
    return items.filter(removal_reason=RemovalReason.UNDONE).update(removal_reason=RemovalReason.SUPERSEDED)


# -- actions -----------------------------------------------------------------------------------


def check_show_board(context) -> Whiteboard:
    """Show the session's board to everyone (made on first use); shown already: nothing."""
    require_moderator(context)
    session = lock_running_session(context)
    board, _created = Whiteboard.objects.get_or_create(session=session)
    if board.is_shown:
        return board
    board.is_shown = True
    board.save(update_fields=["is_shown"])
    publish_on_commit(session, "whiteboard.shown", {"whiteboard": board_data(board)}, audiences.everyone())
    _note_on_timeline(session, "whiteboard.shown", board)
    return board


def check_hide_board(context) -> None:
    require_moderator(context)
    session = lock_running_session(context)
    board = shown_board(session)
    if board is None:
        return
    board.is_shown = False
    board.save(update_fields=["is_shown"])
    publish_on_commit(session, "whiteboard.hidden", {"id": board.pk}, audiences.everyone())
    _note_on_timeline(session, "whiteboard.hidden", board)


def check_allow_everyone(context, allowed: bool) -> None:
    """In a meeting, let every admitted participant draw (or only the organisers again)."""
    require_moderator(context)
    session = lock_running_session(context)
    if session.room.room_type != RoomType.MEETING:
        raise LiveError("not_allowed", _("In a webinar only the organisers draw on the whiteboard."))
    board = _require_shown(session)
    if board.everyone_may_draw == allowed:
        return
    board.everyone_may_draw = allowed
    board.save(update_fields=["everyone_may_draw"])
    data = {"id": board.pk, "everyone_may_draw": allowed}
    publish_on_commit(session, "whiteboard.permission_changed", data, audiences.everyone())


def check_add_item(context, kind: str, points: list, colour: str, width: int, text: str = "") -> WhiteboardItem:
    session = lock_running_session(context)
    board = _require_shown(session)
    _require_drawer(context, board)
    clean, text = check_item_input(kind, points, colour, width, text)
    _check_rate(context.participant)
    item = WhiteboardItem.objects.create(
        board=board, kind=kind, points=clean, colour=colour, width=width, text=text, author=context.participant
    )
    # Something new: what the adder undid before cannot be redone any more (reducers: item_added).
    _empty_redo_stacks(WhiteboardItem.objects.filter(board=board, author=context.participant))
    publish_on_commit(session, "whiteboard.item_added", {"id": board.pk, "item": item_data(item)}, audiences.everyone())
    return item


def check_erase_item(context, item_id: int) -> None:
    """Remove one item of the shown board, whoever drew it; removed already: nothing."""
    session = lock_running_session(context)
    board = _require_shown(session)
    _require_drawer(context, board)
    items = WhiteboardItem.objects.filter(board=board, pk=item_id)
    if not items.exists():
        raise LiveError("not_found", _("There is no such item on the whiteboard."))
    _remove(session, board, items.filter(removed_at=None), context.participant, RemovalReason.ERASED)


def check_undo(context) -> int | None:
    """Remove the caller's own last item still on the board, onto their redo stack; the id removed,
    or None (nothing left)."""
    session = lock_running_session(context)
    board = _require_shown(session)
    _require_drawer(context, board)
    last = visible_items(board).filter(author=context.participant).order_by("-id").first()
    if last is None:
        return None
    _remove(session, board, WhiteboardItem.objects.filter(pk=last.pk), context.participant, RemovalReason.UNDONE)
    return last.pk


def check_redo(context) -> int | None:
    """Bring back the caller's most recently undone item, as a copy drawn from now (the undone row
    keeps when it was away, for the recording); the copy's id, or None (nothing to redo)."""
    session = lock_running_session(context)
    board = _require_shown(session)
    _require_drawer(context, board)
    undone = redo_stack(board, context.participant).first()
    if undone is None:
        return None
    _check_rate(context.participant)  # a redo adds a row, as an add does
    item = WhiteboardItem.objects.create(
        board=board,
        kind=undone.kind,
        points=undone.points,
        colour=undone.colour,
        width=undone.width,
        text=undone.text,
        author=context.participant,
    )
    undone.removal_reason = RemovalReason.REDONE
    undone.save(update_fields=["removal_reason"])
    publish_on_commit(
        session, "whiteboard.item_redone", {"id": board.pk, "item": item_data(item)}, audiences.everyone()
    )
    return item.pk


def check_clear_board(context) -> None:
    """Organisers remove every item on the board and empty every drawer's redo stack; nothing to
    remove or forget: nothing."""
    require_moderator(context)
    session = lock_running_session(context)
    board = _require_shown(session)
    removed = visible_items(board).update(
        removed_at=timezone.now(), removed_by=context.participant, removal_reason=RemovalReason.CLEARED
    )
    if removed + _empty_redo_stacks(board.items.all()):
        publish_on_commit(session, "whiteboard.cleared", {"id": board.pk}, audiences.everyone())
