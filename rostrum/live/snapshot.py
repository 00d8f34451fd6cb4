"""A connection's whole view of its session, and how events change it."""

import copy

from django.db import transaction

from rostrum.live.context import LiveContext
from rostrum.live.errors import LiveError
from rostrum.live.registry import REDUCERS, SNAPSHOT_PARTS


def build_snapshot(participant_id: int) -> dict:
    """Read in one transaction, so ``seq`` and the state agree."""
    from rostrum.rooms.models import Participant

    with transaction.atomic():
        participant = Participant.objects.select_related("session__room__account").get(pk=participant_id)
        context = LiveContext(participant=participant, session=participant.session)
        snapshot = {"type": "snapshot", "seq": participant.session.last_seq}
        for part in SNAPSHOT_PARTS:
            snapshot.update(part(context))
    return snapshot


def apply(snapshot: dict, event: dict, viewer) -> dict:
    """The snapshot after ``event`` (a frame as sent: type, seq, data). Ticks only move ``seq``."""
    result = copy.deepcopy(snapshot)
    if event["type"] != "tick":
        reducer = REDUCERS.get(event["type"])
        if reducer is None:
            raise LiveError("unknown_event", f"no reducer for {event['type']}")
        reducer(result, event["data"], viewer)
    result["seq"] = event["seq"]
    return result


def put_by_id(items: list[dict], item: dict) -> None:
    """Replace the item with the same id, or insert it in id order.

    Two rows made at once may commit, and so be numbered, in an order other than their ids'.
    """
    for index, existing in enumerate(items):
        if existing["id"] == item["id"]:
            items[index] = item
            return
        if existing["id"] > item["id"]:
            items.insert(index, item)
            return
    items.append(item)
