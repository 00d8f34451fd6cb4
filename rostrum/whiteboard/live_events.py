"""The whiteboard in a snapshot, and how its events change it.

``whiteboard`` is ``null`` or the shown board: ``{id, everyone_may_draw, items, image_url}``
with the items on it now (removed ones are left out). The browser's reducer (reducer.js) mirrors
these functions.
"""

from rostrum.live.registry import reduces, snapshot_part
from rostrum.live.snapshot import put_by_id
from rostrum.whiteboard.actions import board_data, shown_board


@snapshot_part
def whiteboard_part(context) -> dict:
    if not context.participant.is_admitted:
        return {"whiteboard": None}  # the lobby gets a fresh snapshot when let in
    board = shown_board(context.session)
    return {"whiteboard": board_data(board) if board is not None else None}


def _shown(snapshot, board_id):
    board = snapshot.get("whiteboard")
    return board if board is not None and board["id"] == board_id else None


@reduces("whiteboard.shown")
def whiteboard_shown(snapshot, data, viewer):
    snapshot["whiteboard"] = data["whiteboard"]


@reduces("whiteboard.hidden")
def whiteboard_hidden(snapshot, data, viewer):
    if _shown(snapshot, data["id"]) is not None:
        snapshot["whiteboard"] = None


@reduces("whiteboard.permission_changed")
def whiteboard_permission_changed(snapshot, data, viewer):
    board = _shown(snapshot, data["id"])
    if board is not None:
        board["everyone_may_draw"] = data["everyone_may_draw"]


@reduces("whiteboard.item_added")
def whiteboard_item_added(snapshot, data, viewer):
    board = _shown(snapshot, data["id"])
    if board is not None:
        put_by_id(board["items"], data["item"])  # commit order may differ from ids'


@reduces("whiteboard.items_removed")
def whiteboard_items_removed(snapshot, data, viewer):
    board = _shown(snapshot, data["id"])
    if board is not None:
        removed = set(data["ids"])
        board["items"] = [item for item in board["items"] if item["id"] not in removed]


@reduces("whiteboard.cleared")
def whiteboard_cleared(snapshot, data, viewer):
    board = _shown(snapshot, data["id"])
    if board is not None:
        board["items"] = []
