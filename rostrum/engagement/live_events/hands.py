"""Raised hands in a snapshot: the organisers' queue, and whether my own hand is up.

``my_hand`` is a key of its own: snapshot parts are merged at the top level, and ``me`` belongs to
the rooms part.
"""

from datetime import datetime

from rostrum.engagement.actions.hands import hand_data, raised_hands
from rostrum.live.registry import reduces, snapshot_part


def queue_order(hand: dict) -> tuple:
    return datetime.fromisoformat(hand["raised_at"]), hand["id"]


@snapshot_part
def hands_part(context) -> dict:
    me = context.participant
    queue = [hand_data(p) for p in raised_hands(context.session)] if me.is_organiser else []
    return {"hands": queue, "my_hand": {"raised": me.hand_raised_at is not None}}


@reduces("hand.raised")
def hand_raised(snapshot, data, viewer):
    if viewer.is_moderator and all(hand["id"] != data["id"] for hand in snapshot["hands"]):
        snapshot["hands"].append(data)
        snapshot["hands"].sort(key=queue_order)
    if snapshot["me"]["id"] == data["id"]:
        snapshot["my_hand"]["raised"] = True


@reduces("hand.lowered")
def hand_lowered(snapshot, data, viewer):
    snapshot["hands"] = [hand for hand in snapshot["hands"] if hand["id"] != data["id"]]
    if snapshot["me"]["id"] == data["id"]:
        snapshot["my_hand"]["raised"] = False


@reduces("hands.cleared")
def hands_cleared(snapshot, data, viewer):
    snapshot["hands"] = []
    snapshot["my_hand"]["raised"] = False
