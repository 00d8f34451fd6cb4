"""The process's fan-out: one broker subscription per live session, one encode per event.

Consumers register a ``Connection``; the hub hands each event to every local connection it
reaches, and a small ``tick`` (the sequence number alone) to the others, so every client sees an
unbroken sequence and can tell a lost event from one that was not for it.

A frame is made once per event, not once per socket: an ``Outgoing`` holds its text and, made on
once, its WebSocket wire form (server frames are not masked, so the bytes are the same for
every socket that negotiated no compression). Delivery is a plain call, no task per socket.
"""

import asyncio
import contextlib
import json
import logging
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field

from websockets.frames import Frame, Opcode

from rostrum.live.audiences import Viewer, reaches
from rostrum.live.broker import channel_name, get_broker

logger = logging.getLogger(__name__)


class Outgoing:
    """One frame for many sockets: its text, and its bytes on the wire (an unmasked text frame)."""

    __slots__ = ("text", "wire")

    def __init__(self, text: str):
        self.text = text
        self.wire = Frame(Opcode.TEXT, text.encode()).serialize(mask=False)


@dataclass(eq=False)
class Connection:
    """One socket as the hub sees it. ``deliver`` must not block: it writes or queues.

    ``deliver(seq, frame)`` gets ``seq=None`` for unsequenced frames (presence).
    """

    session_id: int
    viewer: Viewer
    deliver: Callable[[int | None, Outgoing], None]
    control: Callable[[str], Awaitable[None]]  # "refresh" | "close"
    presence: Outgoing | None = None  # the presence frame this socket has last been sent


@dataclass(eq=False)
class SessionChannel:
    connections: set[Connection] = field(default_factory=set)
    presence: object = None  # rostrum.live.presence.PresenceLoop
    subscribed: asyncio.Future | None = None  # done once the broker carries this session's events here


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
        from rostrum.live.presence import PresenceLoop

        if not self.started:
            await self._ensure_started()
        channel = self.sessions.get(connection.session_id)
        if channel is None:
            channel = self.sessions[connection.session_id] = SessionChannel()
            channel.subscribed = asyncio.get_running_loop().create_task(
                get_broker().subscribe(channel_name(connection.session_id))
            )
            channel.presence = PresenceLoop(connection.session_id, channel.connections)
            channel.presence.start()
        channel.connections.add(connection)
        try:
            # Every connection waits for the subscription: a snapshot read before it could miss events.
            await asyncio.shield(channel.subscribed)
        except Exception:
            await self.detach(connection)
            raise
        channel.presence.offer(connection)  # the latest presence at once, if there is one yet

    async def detach(self, connection: Connection) -> None:
        channel = self.sessions.get(connection.session_id)
        if channel is None:
            return
        channel.connections.discard(connection)
        if not channel.connections and self.sessions.get(connection.session_id) is channel:
            del self.sessions[connection.session_id]
            channel.presence.stop()
            with contextlib.suppress(Exception):  # a subscription that failed needs no undoing
                await asyncio.shield(channel.subscribed)
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
        seq, audience = message["seq"], message["audience"]
        frame = Outgoing(message["frame"])
        if seq is None:  # unsequenced (publish_ephemeral_on_commit): those it reaches, no ticks
            for connection in tuple(channel.connections):
                if reaches(audience, connection.viewer):
                    connection.deliver(None, frame)
            return
        tick = None
        if audience["everyone"] and not audience["lobby"]:
            # The common case (public chat and the like): every admitted participant, and those named.
            named = set(audience["participants"])
            for connection in tuple(channel.connections):
                viewer = connection.viewer
                if viewer.is_admitted or (named and viewer.participant_id in named):
                    connection.deliver(seq, frame)
                else:
                    tick = tick or _tick(seq)
                    connection.deliver(seq, tick)
        else:
            for connection in tuple(channel.connections):
                if reaches(audience, connection.viewer):
                    connection.deliver(seq, frame)
                else:
                    tick = tick or _tick(seq)
                    connection.deliver(seq, tick)
        for target, action in message.get("control", {}).items():
            for connection in tuple(channel.connections):
                if controls(target, connection.viewer):
                    asyncio.get_running_loop().create_task(connection.control(action))


def _tick(seq: int) -> Outgoing:
    return Outgoing(json.dumps({"type": "tick", "seq": seq}, separators=(",", ":")))


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
    """Forget the process's hub (tests switch event loops); its presence loops stop.

    Tests only, and for them presence is off: its frames come on a clock of their own, and tests
    that check that nothing else arrives would catch one. A test of presence turns it on by
    setting ``rostrum.live.presence.INTERVAL_SECONDS``. The server never calls this.
    """
    from rostrum.live import presence

    global _hub
    if _hub is not None:
        for channel in _hub.sessions.values():
            with contextlib.suppress(RuntimeError):  # the loop they ran on may be closed already
                channel.presence.stop()
    _hub = None
    presence.INTERVAL_SECONDS = None
