"""What each topic (session, chat, Q&A, polls, hands, calls to action) plugs into the live room.

- a **handler** per client frame type: a pydantic schema and a function ``(context, message)``;
- a **snapshot part**: ``(context) -> dict`` merged into the snapshot a connection receives;
- a **reducer** per event type: ``(snapshot, data, viewer) -> None``, applying the event to a
  snapshot in place. It is what the browser does; a test checks snapshot + events == new snapshot.
"""

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from pydantic import BaseModel


@dataclass(frozen=True)
class Handler:
    schema: type[BaseModel]
    function: Callable[[Any, BaseModel], dict | None]


HANDLERS: dict[str, Handler] = {}
SNAPSHOT_PARTS: list[Callable[[Any], dict]] = []
REDUCERS: dict[str, Callable[[dict, dict, Any], None]] = {}


def handles(frame_type: str, schema: type[BaseModel]):
    def decorator(function):
        if frame_type in HANDLERS:
            raise ValueError(f"two handlers for {frame_type}")
        HANDLERS[frame_type] = Handler(schema, function)
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
