"""What a subscriber receives, against a real Janus with aiortc peers: video turned off on the SFU
(audio only) while audio goes on, video back on, the low layer; and Janus's ``slowlink`` report
on a subscriber whose connection loses packets.

aiortc cannot send simulcast, so the publisher here sends one layer (the browser test publishes
Chromium's simulcast); asking a one-layer feed for "low" must not stop it.
"""

import asyncio
import time

import pytest
from aiortc import AudioStreamTrack, RTCPeerConnection, RTCSessionDescription

from rostrum.media.tests.test_janus_backend import (  # noqa: F401 — the backend fixture
    ColourTrack,
    Receiver,
    a_room,
    backend,
    frames_after,
    is_green,
    quiet_for,
)

pytestmark = [pytest.mark.asyncio]


class CountingReceiver(Receiver):
    """A Receiver that also counts the audio frames it decodes."""

    def __init__(self):
        super().__init__()
        self.audio_frames = 0

    def _track(self, track):
        if track.kind == "audio":
            self.tasks.append(asyncio.ensure_future(self._read_audio(track)))
        else:
            super()._track(track)

    async def _read_audio(self, track):
        while True:
            try:
                await track.recv()
            except Exception:
                return
            self.audio_frames += 1


async def audio_after(receiver: CountingReceiver, count: int = 25, timeout: float = 20) -> int:
    start = receiver.audio_frames
    deadline = time.monotonic() + timeout
    while receiver.audio_frames - start < count and time.monotonic() < deadline:
        await asyncio.sleep(0.1)
    return receiver.audio_frames - start


async def publish_camera(backend, room, feed_id):  # noqa: F811 — the fixture
    pc = RTCPeerConnection()
    pc.addTrack(AudioStreamTrack())
    pc.addTrack(ColourTrack())
    await pc.setLocalDescription(await pc.createOffer())
    offer = {"type": pc.localDescription.type, "sdp": pc.localDescription.sdp}
    handle, answer = await backend.publish(room, feed_id, "Presenter", offer)
    await pc.setRemoteDescription(RTCSessionDescription(**answer))
    return pc, handle


async def subscribe(backend, room, feeds, receiver):  # noqa: F811 — the fixture
    handle, offer = await backend.subscribe(room, feeds)
    await backend.start(handle, await receiver.answer(offer))
    return handle


async def test_video_off_stops_the_pictures_and_audio_goes_on_then_video_comes_back(backend, janus_node):  # noqa: F811 — the fixture
    room = a_room(janus_node, 9101)
    pc, publisher = await publish_camera(backend, room, 51)
    receiver = CountingReceiver()
    subscriber = await subscribe(backend, room, [51], receiver)
    try:
        assert {s["type"] for s in subscriber.streams} == {"audio", "video"}
        assert await frames_after(receiver) >= 10
        assert await audio_after(receiver) >= 25

        await backend.set_receive_quality(subscriber, "off")
        assert await quiet_for(receiver) == 0, "video off: the SFU sends no more pictures"
        assert await audio_after(receiver) >= 25, "while the sound goes on"

        await backend.set_receive_quality(subscriber, "high")
        assert await frames_after(receiver) >= 10, "video back on: pictures again"
        assert is_green(receiver.last)

        await backend.set_receive_quality(subscriber, "low")  # a one-layer feed: its only layer
        assert await frames_after(receiver) >= 10
    finally:
        await receiver.close()
        await pc.close()
        await backend.hang_up(subscriber)
        await backend.hang_up(publisher)
        await backend.destroy_room(room)


async def test_quality_applies_to_one_subscriber_only(backend, janus_node):  # noqa: F811 — the fixture
    room = a_room(janus_node, 9102)
    pc, publisher = await publish_camera(backend, room, 61)
    first, second = CountingReceiver(), CountingReceiver()
    handles = [await subscribe(backend, room, [61], first), await subscribe(backend, room, [61], second)]
    try:
        assert await frames_after(first) >= 10 and await frames_after(second) >= 10
        await backend.set_receive_quality(handles[0], "off")
        assert await quiet_for(first) == 0
        assert await frames_after(second) >= 10, "the other subscriber still gets the pictures"
    finally:
        for receiver in (first, second):
            await receiver.close()
        await pc.close()
        for handle in (*handles, publisher):
            await backend.hang_up(handle)
        await backend.destroy_room(room)


def lose_video_packets(receiver: Receiver, every: int = 4) -> None:
    """Drop one video RTP packet in ``every`` as a lossy network would; aiortc asks for them (NACK)."""
    for rtp_receiver in receiver.pc.getReceivers():
        if rtp_receiver.track.kind != "video":
            continue
        handle_packet, seen = rtp_receiver._handle_rtp_packet, [0]

        async def lossy(packet, arrival_time_ms, handle_packet=handle_packet, seen=seen):
            seen[0] += 1
            if seen[0] % every:
                await handle_packet(packet, arrival_time_ms)

        rtp_receiver._handle_rtp_packet = lossy


async def test_janus_reports_slowlink_on_a_subscriber_losing_packets(backend, janus_node):  # noqa: F811 — the fixture
    room = a_room(janus_node, 9103)
    pc, publisher = await publish_camera(backend, room, 71)
    receiver = CountingReceiver()
    handle, offer = await backend.subscribe(room, [71])
    reports = []
    handle.on_event = lambda kind, message: reports.append(message) if kind == "slowlink" else None
    answer = await receiver.answer(offer)
    lose_video_packets(receiver)
    await backend.start(handle, answer)
    try:
        assert await frames_after(receiver, 5) >= 5
        deadline = time.monotonic() + 20
        while not reports and time.monotonic() < deadline:
            await asyncio.sleep(0.2)
        assert reports, "no slowlink from Janus for a subscriber losing a quarter of its video packets"
        assert reports[0]["media"] == "video" and reports[0]["uplink"] is True  # Janus -> browser
    finally:
        await receiver.close()
        await pc.close()
        await backend.hang_up(handle)
        await backend.hang_up(publisher)
        await backend.destroy_room(room)
