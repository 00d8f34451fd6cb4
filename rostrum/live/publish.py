"""The one way to send a live event: number it, then publish it once the transaction commits."""

import json

from django.db import transaction
from django.db.models import F

from rostrum.live.audiences import Audience
from rostrum.live.broker import channel_name, get_broker


def encode(message: dict) -> str:
    return json.dumps(message, separators=(",", ":"), ensure_ascii=False, default=str)


def publish_on_commit(session, event_type: str, data: dict, audience: Audience, control: dict | None = None) -> int:
    """Give the event the session's next sequence number and publish it after commit.

    The caller is inside the transaction that made the change the event describes. ``control``
    maps participant ids to ``"refresh"`` (send them a new snapshot) or ``"close"`` (disconnect).
    Returns the sequence number.
    """
    from rostrum.rooms.models import Session

    type(session).objects.filter(pk=session.pk).update(last_seq=F("last_seq") + 1)
    seq = Session.objects.values_list("last_seq", flat=True).get(pk=session.pk)
    session.last_seq = seq
    frame = encode({"type": event_type, "seq": seq, "data": data})
    payload = encode(
        {
            "seq": seq,
            "frame": frame,
            "audience": audience.to_dict(),
            "control": {str(k): v for k, v in (control or {}).items()},
        }
    )
    key = channel_name(session.pk)
    transaction.on_commit(lambda: get_broker().publish(key, payload))
    return seq


def publish_ephemeral_on_commit(session, event_type: str, data: dict, audience: Audience) -> None:
    """Send a passing state (a pointer's position) after commit: not numbered, not kept.

    Nothing in a snapshot depends on it, so it takes no sequence number (no write per move, no tick
    to the others) and a client that misses one simply shows the next. The frame is
    ``{"type": event_type, "data": data}``, without ``seq``.
    """
    frame = encode({"type": event_type, "data": data})
    payload = encode({"seq": None, "frame": frame, "audience": audience.to_dict(), "control": {}})
    key = channel_name(session.pk)
    transaction.on_commit(lambda: get_broker().publish(key, payload))
