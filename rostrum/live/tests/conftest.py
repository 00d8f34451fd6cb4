"""Live-room fixtures: real consumers over Channels' WebsocketCommunicator, real hub and broker."""

import contextlib
import json

import pytest
import pytest_asyncio
from channels.db import database_sync_to_async
from channels.testing.websocket import WebsocketCommunicator
from django.db import connections

from rostrum.asgi import application
from rostrum.live.broker import reset_broker
from rostrum.live.hub import reset_hub
from rostrum.live.snapshot import apply, build_snapshot
from rostrum.live.tokens import make_join_token
from rostrum.rooms import session_actions
from rostrum.rooms.constants import ParticipantRole
from rostrum.rooms.tests.factories import make_room

TIMEOUT = 3


@pytest.fixture(autouse=True)
def _fresh_live_state():
    """Each test's event loop gets its own hub and broker."""
    reset_hub()
    reset_broker()
    yield
    reset_hub()
    reset_broker()


OPEN_CLIENTS: list["LiveClient"] = []


@pytest_asyncio.fixture(autouse=True)
async def _close_clients():
    """Disconnect what a test left open, then close the database connection of the sync thread."""
    yield
    if not OPEN_CLIENTS:
        return
    for client in OPEN_CLIENTS:
        with contextlib.suppress(Exception):
            await client.communicator.disconnect()
    OPEN_CLIENTS.clear()
    await database_sync_to_async(connections.close_all)()


class LiveClient:
    """One browser tab's socket, with the state it has built from snapshot + events."""

    def __init__(self, communicator: WebsocketCommunicator, participant):
        self.communicator = communicator
        self.participant = participant
        self.state: dict | None = None
        self._ref = 0

    async def receive(self, timeout: float = TIMEOUT) -> dict:
        return json.loads(await self.communicator.receive_from(timeout=timeout))

    async def send(self, frame_type: str, data: dict | None = None) -> int:
        self._ref += 1
        await self.communicator.send_to(
            text_data=json.dumps({"type": frame_type, "data": data or {}, "ref": self._ref})
        )
        return self._ref

    async def request(self, frame_type: str, data: dict | None = None) -> dict:
        """Send a frame and return its ``ack`` or ``error``, applying events that arrive meanwhile."""
        ref = await self.send(frame_type, data)
        while True:
            frame = await self.receive()
            if frame["type"] in ("ack", "error") and frame.get("ref") == ref:
                return frame
            self.absorb(frame)

    def absorb(self, frame: dict) -> None:
        from rostrum.live.context import viewer_of

        if frame["type"] == "snapshot":
            self.state = frame
        elif "seq" in frame and frame["type"] not in ("ack", "error"):
            assert frame["seq"] == self.state["seq"] + 1, f"gap: {self.state['seq']} → {frame['seq']}"
            self.state = apply(self.state, frame, viewer_of(self.participant))

    async def drain(self, timeout: float = 0.3) -> list[dict]:
        """Every frame that arrives within ``timeout``, each applied to ``state``."""
        frames = []
        # receive_nothing waits without cancelling the consumer (a timed-out receive would).
        while not await self.communicator.receive_nothing(timeout=timeout):
            frame = await self.receive()
            frames.append(frame)
            self.absorb(frame)
        return frames

    async def close(self) -> None:
        await self.communicator.disconnect()


async def connect(participant, origin: bytes = b"http://localhost") -> LiveClient:
    token = await database_sync_to_async(make_join_token)(participant.pk)
    communicator = WebsocketCommunicator(application, f"/ws/live/?t={token}", headers=[(b"origin", origin)])
    connected, _code = await communicator.connect(timeout=TIMEOUT)
    assert connected
    client = LiveClient(communicator, participant)
    OPEN_CLIENTS.append(client)
    client.absorb(await client.receive())
    assert client.state["type"] == "snapshot"
    return client


async def fresh_snapshot(participant) -> dict:
    return await database_sync_to_async(build_snapshot)(participant.pk)


def join(room, key: str, name: str, role: str = ParticipantRole.ATTENDEE):
    return session_actions.do_join(room, key=key, display_name=name, role=role)


@pytest.fixture
def webinar(owner):
    """A webinar with its host and two attendees; the session has not started."""
    room = make_room(owner, name="Live webinar")
    host = join(room, "host-key", "Hanna Host", ParticipantRole.HOST)
    ann = join(room, "ann-key", "Ann Attendee")
    bob = join(room, "bob-key", "Bob Attendee")
    return {"room": room, "host": host, "ann": ann, "bob": bob}
