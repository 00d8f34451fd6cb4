"""What each topic (session, chat, Q&A, polls, hands, calls to action) plugs into the live room.

- a **handler** per client frame type: a pydantic schema and a function ``(context, message)``;
- a **snapshot part**: ``(context) -> dict`` merged into the snapshot a connection receives;
- a **reducer** per event type: ``(snapshot, data, viewer) -> None``, applying the event to a
  snapshot in place. It is what the browser does; a test checks snapshot + events == new snapshot.
"""

from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from typing import Any

from pydantic import BaseModel


@dataclass(frozen=True)
class Handler:
    schema: type[BaseModel]
    function: Callable[[Any, BaseModel], Any]
    # An async handler runs on the event loop with the connection's MediaPeer, not in the database
    # thread: it talks to the SFU and makes its own database calls (rostrum.media.relay).
    is_async: bool = False
    # An async handler's frames of one socket run in order within their lane and concurrently with
    # other lanes: ``lane(message)`` names it (a page's publish waits on the SFU; its subscription
    # need not wait behind it).
    lane: Callable[[BaseModel], str] | None = None
    # Frames of this type a participant may send (``ratelimit.Rate``), counted in the consumer's
    # process before the frame is parsed; the excess is answered ``rate_limited`` and not handled.
    rate: Any = None


HANDLERS: dict[str, Handler] = {}
# Async work to do after a frame's handler succeeded: ``(peer, reply) -> None`` (the SFU room ends
# with the session). Failures are logged; the frame's ack has been earned already.
AFTER: dict[str, list[Callable[[Any, Any], Awaitable[None]]]] = {}
SNAPSHOT_PARTS: list[Callable[[Any], dict]] = []
REDUCERS: dict[str, Callable[[dict, dict, Any], None]] = {}


def handles(frame_type: str, schema: type[BaseModel], rate=None):
    def decorator(function):
        if frame_type in HANDLERS:
            raise ValueError(f"two handlers for {frame_type}")
        HANDLERS[frame_type] = Handler(schema, function, rate=rate)
        return function

    return decorator


def handles_async(frame_type: str, schema: type[BaseModel], lane: Callable[[Any], str] | None = None):
    def decorator(function):
        if frame_type in HANDLERS:
            raise ValueError(f"two handlers for {frame_type}")
        HANDLERS[frame_type] = Handler(schema, function, is_async=True, lane=lane)
        return function

    return decorator


def after(frame_type: str):
    def decorator(function):
        AFTER.setdefault(frame_type, []).append(function)
        return function

    return decorator


def snapshot_part(function):
    SNAPSHOT_PARTS.append(function)
    return function


def reduces(event_type: str):
    def decorator(function):
        if event_type in REDUCERS:
            raise ValueError(f"two reducers for {event_type}")
        REDUCERS[event_type] = function
        return function

    return decorator
