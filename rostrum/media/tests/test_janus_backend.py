"""JanusBackend against a real Janus, with aiortc peers as the browsers: publish, subscribe,
moderate, kick, destroy, and a control connection that drops and comes back (session reclaim).

aiortc drops 127.0.0.1 candidates and Janus gathers none on loopback: both use the machine's own
interface address (``../shared/notes/janus.md``), traffic that never leaves the machine.
"""

import asyncio
import fractions
import time

import pytest
import pytest_asyncio
from aiortc import RTCPeerConnection, RTCSessionDescription, VideoStreamTrack
from av import VideoFrame

from rostrum.media.backend import MediaError, MediaRoom
from rostrum.media.janus import JanusBackend

pytestmark = [pytest.mark.asyncio]

FRAMES_TIMEOUT = 20
GREEN = (117, 62, 44)  # Y, U, V of RGB (0, 200, 0)


class ColourTrack(VideoStreamTrack):
    """A 320x240 video of one colour (YUV): what the subscriber decodes can be told from black."""

    def __init__(self, colour=GREEN):
        super().__init__()
        self.colour = colour

    async def recv(self):
        pts, time_base = await self.next_timestamp()
        frame = VideoFrame(320, 240, "yuv420p")
        for plane, value in zip(frame.planes, self.colour, strict=True):
            plane.update(bytes([value]) * plane.buffer_size)
        frame.pts, frame.time_base = pts, time_base or fractions.Fraction(1, 90000)
        return frame


class Receiver:
    """A subscriber's peer connection that counts the frames it decodes and keeps the last one."""

    def __init__(self):
        self.pc = RTCPeerConnection()
        self.frames = 0
        self.last = None
        self.tasks = []
        self.pc.on("track", self._track)

    def _track(self, track):
        if track.kind == "video":
            self.tasks.append(asyncio.ensure_future(self._read(track)))

    async def _read(self, track):
        while True:
            try:
                frame = await track.recv()
            except Exception:
                return
            self.frames += 1
            self.last = frame

    async def answer(self, offer: dict) -> dict:
        await self.pc.setRemoteDescription(RTCSessionDescription(**offer))
        await self.pc.setLocalDescription(await self.pc.createAnswer())
        return {"type": self.pc.localDescription.type, "sdp": self.pc.localDescription.sdp}

    async def close(self):
        for task in self.tasks:
            task.cancel()
        await self.pc.close()


async def publisher_offer(track) -> tuple[RTCPeerConnection, dict]:
    pc = RTCPeerConnection()
    pc.addTrack(track)
    await pc.setLocalDescription(await pc.createOffer())  # aiortc gathers before it returns
    return pc, {"type": pc.localDescription.type, "sdp": pc.localDescription.sdp}


async def frames_after(receiver: Receiver, count: int = 10, timeout: float = FRAMES_TIMEOUT) -> int:
    """Wait until ``count`` more frames were decoded; how many arrived."""
    start = receiver.frames
    deadline = time.monotonic() + timeout
    while receiver.frames - start < count and time.monotonic() < deadline:
        await asyncio.sleep(0.1)
    return receiver.frames - start


async def quiet_for(receiver: Receiver, seconds: float = 2.0) -> int:
    await asyncio.sleep(0.5)  # frames already on their way
    start = receiver.frames
    await asyncio.sleep(seconds)
    return receiver.frames - start


def is_green(frame) -> bool:
    """Mostly green, not black (Y 16, U and V 128) nor grey: the plane averages, in YUV."""
    frame = frame.reformat(format="yuv420p")
    y, u, v = (sum(bytes(plane)) / plane.buffer_size for plane in frame.planes)
    return 80 < y < 160 and u < 100 and v < 90


@pytest_asyncio.fixture
async def backend(janus_node):
    backend = JanusBackend([janus_node.url], janus_node.api_secret)
    yield backend
    await backend.close()


def a_room(node, room_id) -> MediaRoom:
    return MediaRoom(room_id=room_id, secret=f"secret-{room_id}", node=node.url, max_publishers=4)


async def published(backend, room, feed_id=11):
    pc, offer = await publisher_offer(ColourTrack())
    handle, answer = await backend.publish(room, feed_id, "Presenter", offer)
    await pc.setRemoteDescription(RTCSessionDescription(**answer))
    return pc, handle


async def subscribed(backend, room, feeds):
    receiver = Receiver()
    handle, offer = await backend.subscribe(room, feeds)
    await backend.start(handle, await receiver.answer(offer))
    return receiver, handle


async def test_a_subscriber_decodes_the_publishers_video_and_moderate_silences_it(backend, janus_node):
    room = a_room(janus_node, 9001)
    pc, publisher = await published(backend, room)
    receiver, subscriber = await subscribed(backend, room, [11])
    try:
        assert {s["feed_id"] for s in subscriber.streams} == {11}
        assert await frames_after(receiver) >= 10
        assert is_green(receiver.last), "the subscriber sees the publisher's picture"

        video_mids = [line[6:] for line in pc.localDescription.sdp.splitlines() if line.startswith("a=mid:")]
        await backend.moderate(room, 11, video_mids, True)
        assert await quiet_for(receiver) == 0, "a moderated video sends subscribers nothing"
        await backend.moderate(room, 11, video_mids, False)
        assert await frames_after(receiver) >= 10
    finally:
        await receiver.close()
        await pc.close()
        await backend.hang_up(subscriber)
        await backend.hang_up(publisher)
        await backend.destroy_room(room)


async def test_a_kicked_publisher_is_gone_for_subscribers(backend, janus_node):
    room = a_room(janus_node, 9002)
    pc, publisher = await published(backend, room, feed_id=21)
    events = []
    publisher.on_event = lambda kind, message: events.append(kind)
    try:
        await backend.kick(room, 21)
        for _ in range(50):
            if "hangup" in events:
                break
            await asyncio.sleep(0.1)
        assert "hangup" in events, events  # its peer connection is closed by Janus
        with pytest.raises(MediaError):
            await backend.subscribe(room, [21])
        await backend.kick(room, 21)  # kicking a feed that is gone is not an error
    finally:
        await pc.close()
        await backend.hang_up(publisher)
        await backend.destroy_room(room)


async def test_a_subscriber_adds_and_removes_feeds_on_one_connection(backend, janus_node):
    room = a_room(janus_node, 9003)
    pc1, first = await published(backend, room, feed_id=31)
    pc2, second = await published(backend, room, feed_id=32)
    receiver, subscriber = await subscribed(backend, room, [31])
    try:
        offer = await backend.update(subscriber, add=[32], remove=[])
        assert offer is not None and offer["type"] == "offer"
        await backend.start(subscriber, await receiver.answer(offer))
        assert {s["feed_id"] for s in subscriber.streams} == {31, 32}
        assert subscriber.feeds == (31, 32)
    finally:
        await receiver.close()
        for pc in (pc1, pc2):
            await pc.close()
        for handle in (subscriber, first, second):
            await backend.hang_up(handle)
        await backend.destroy_room(room)


async def test_calls_survive_the_control_connection_dropping(backend, janus_node):
    room = a_room(janus_node, 9004)
    pc, publisher = await published(backend, room, feed_id=41)
    receiver, subscriber = await subscribed(backend, room, [41])
    try:
        assert await frames_after(receiver) >= 10
        node = backend.nodes[janus_node.url]
        session = node.session_id
        await node.ws.close()  # as when the app restarts or the network blips
        await asyncio.sleep(1)
        assert await frames_after(receiver) >= 10, "media flows browser <-> Janus, not through the app"
        health = await backend.health()  # the next request reconnects and claims the session
        assert health[0].ok and node.session_id == session
        await backend.moderate(room, 41, ["0"], True)  # and the session's handles still work
        assert await quiet_for(receiver) == 0
    finally:
        await receiver.close()
        await pc.close()
        await backend.hang_up(subscriber)
        await backend.hang_up(publisher)
        await backend.destroy_room(room)


async def test_an_unreachable_node_is_a_media_error_and_health_says_so():
    backend = JanusBackend(["ws://127.0.0.1:9"], "whatever")
    with pytest.raises(MediaError) as refused:
        await backend.publish(MediaRoom(1, "s", "ws://127.0.0.1:9"), 5, "x", {"type": "offer", "sdp": ""})
    assert refused.value.code == "unreachable"
    [health] = await backend.health()
    assert not health.ok and "127.0.0.1:9" in health.detail
