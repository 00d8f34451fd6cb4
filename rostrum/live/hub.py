"""The process's fan-out: one broker subscription per live session, one encode per event.

Consumers register a ``Connection``; the hub hands each event to every local connection it
reaches, and a small ``tick`` (the sequence number alone) to the others, so every client sees an
unbroken sequence and can tell a lost event from one that was not for it.
"""

import asyncio
import json
import logging
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field

from rostrum.live.audiences import Viewer, reaches
from rostrum.live.broker import channel_name, get_broker

logger = logging.getLogger(__name__)


@dataclass(eq=False)
class Connection:
    """One socket as the hub sees it. ``deliver`` must not block: it queues or writes."""

    session_id: int
    viewer: Viewer
    deliver: Callable[[int, str], None]  # (seq, frame)
    control: Callable[[str], Awaitable[None]]  # "refresh" | "close"


@dataclass
class SessionChannel:
    connections: set[Connection] = field(default_factory=set)


class Hub:
    def __init__(self):
        self.sessions: dict[int, SessionChannel] = {}
        self.started = False
        self._start_lock = asyncio.Lock()

    async def _ensure_started(self) -> None:
        async with self._start_lock:
            if not self.started:
                await get_broker().start(self._on_message)
                self.started = True

    async def attach(self, connection: Connection) -> None:
        await self._ensure_started()
        channel = self.sessions.get(connection.session_id)
        if channel is None:
            channel = self.sessions[connection.session_id] = SessionChannel()
            await get_broker().subscribe(channel_name(connection.session_id))
        channel.connections.add(connection)

    async def detach(self, connection: Connection) -> None:
        channel = self.sessions.get(connection.session_id)
        if channel is None:
            return
        channel.connections.discard(connection)
        if not channel.connections:
            del self.sessions[connection.session_id]
            await get_broker().unsubscribe(channel_name(connection.session_id))

    def local_connections(self, session_id: int) -> set[Connection]:
        channel = self.sessions.get(session_id)
        return set(channel.connections) if channel else set()

    def _on_message(self, key: str, payload: str) -> None:
        session_id = int(key.rsplit(":", 1)[1])
        channel = self.sessions.get(session_id)
        if channel is None:
            return
        message = json.loads(payload)
        seq, frame, audience = message["seq"], message["frame"], message["audience"]
        tick = None
        for connection in tuple(channel.connections):
            if reaches(audience, connection.viewer):
                connection.deliver(seq, frame)
            else:
                tick = tick or json.dumps({"type": "tick", "seq": seq}, separators=(",", ":"))
                connection.deliver(seq, tick)
        for target, action in message.get("control", {}).items():
            for connection in tuple(channel.connections):
                if controls(target, connection.viewer):
                    asyncio.get_running_loop().create_task(connection.control(action))


def controls(target: str, viewer) -> bool:
    """A control goes to one participant (their id) or to everyone still in the lobby."""
    if target == "lobby":
        return not viewer.is_admitted
    return target.isdigit() and int(target) == viewer.participant_id


_hub: Hub | None = None


def get_hub() -> Hub:
    global _hub
    if _hub is None:
        _hub = Hub()
    return _hub


def reset_hub() -> None:
    global _hub
    _hub = None
