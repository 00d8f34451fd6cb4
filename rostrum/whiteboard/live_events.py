"""The whiteboard in a snapshot, and how its events change it.

``whiteboard`` is ``null`` or the shown board: ``{id, everyone_may_draw, items, image_url}``
with the items on it now (removed ones are left out). ``my_whiteboard`` is the viewer's own:
``{redo_count}``, how many of their undone items a redo may bring back (kept while the board is
hidden: hiding empties no stack). The browser's reducer (reducer.js) mirrors these functions.
"""

from rostrum.live.registry import reduces, snapshot_part
from rostrum.live.snapshot import put_by_id
from rostrum.whiteboard.actions import board_data, board_with_redo_count


@snapshot_part
def whiteboard_part(context) -> dict:
    if not context.participant.is_admitted:
        # The lobby gets a fresh snapshot when let in; nobody there has drawn.
        return {"whiteboard": None, "my_whiteboard": {"redo_count": 0}}
    board = board_with_redo_count(context.session, context.participant)
    return {
        "whiteboard": board_data(board) if board is not None and board.is_shown else None,
        "my_whiteboard": {"redo_count": board.redo_count if board is not None else 0},
    }


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
    if data["item"]["author_id"] == viewer.participant_id:
        snapshot["my_whiteboard"]["redo_count"] = 0  # adding empties the adder's redo stack


@reduces("whiteboard.items_removed")
def whiteboard_items_removed(snapshot, data, viewer):
    board = _shown(snapshot, data["id"])
    if board is not None:
        removed = set(data["ids"])
        if data.get("reason") == "undone":  # an undo takes its author's own item onto their stack
            mine = [
                item for item in board["items"] if item["id"] in removed and item["author_id"] == viewer.participant_id
            ]
            snapshot["my_whiteboard"]["redo_count"] += len(mine)
        board["items"] = [item for item in board["items"] if item["id"] not in removed]


@reduces("whiteboard.item_redone")
def whiteboard_item_redone(snapshot, data, viewer):
    board = _shown(snapshot, data["id"])
    if board is not None:
        put_by_id(board["items"], data["item"])  # a copy, with an id of its own
    if data["item"]["author_id"] == viewer.participant_id:
        mine = snapshot["my_whiteboard"]
        mine["redo_count"] = max(0, mine["redo_count"] - 1)


@reduces("whiteboard.cleared")
def whiteboard_cleared(snapshot, data, viewer):
    board = _shown(snapshot, data["id"])
    if board is not None:
        board["items"] = []
    snapshot["my_whiteboard"]["redo_count"] = 0  # clearing empties every drawer's redo stack
