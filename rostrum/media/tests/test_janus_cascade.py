"""A webinar cascaded over two real Janus processes, through the live room's protocol, with aiortc
peers as browsers: the origin node (``janus_node``) holds one subscriber, the next goes to an edge
room on ``second_janus_node`` and decodes the presenter's picture; a feed published later reaches
the edge; an ended feed is removed there; an organiser's mute silences the edge; ending the session
destroys the edge room.

aiortc's VP8 encoder sends a keyframe only at its start and when asked (a GOP of 3000 frames): the
edge subscriber, who joins after the origin's subscriber decoded frames already, sees pictures only
if its keyframe request travels edge → origin → presenter.
"""

import asyncio
import time

import pytest
import pytest_asyncio
from aiortc import RTCSessionDescription
from channels.db import database_sync_to_async
from django.conf import settings

from rostrum.media.backend import MediaRoom
from rostrum.media.cascade import relay_one
from rostrum.media.janus import JanusBackend
from rostrum.media.models import MediaNodeRoom, MediaSubscription
from rostrum.media.registry import set_backend
from rostrum.media.tests.test_janus_backend import (
    ColourTrack,
    Receiver,
    frames_after,
    is_green,
    published,
    publisher_offer,
    quiet_for,
)
from rostrum.media.tests.test_live_media import ok, start

pytestmark = [pytest.mark.asyncio, pytest.mark.django_db(transaction=True)]

BLUE = (36, 216, 114)  # Y, U, V of RGB (0, 0, 200)
WAIT_SECONDS = 20


@pytest_asyncio.fixture
async def two_nodes(settings, janus_node, second_janus_node):
    settings.MEDIA_NODES = [janus_node.url, second_janus_node.url]
    settings.JANUS_API_SECRET = janus_node.api_secret
    settings.MEDIA_NODE_CAPACITY = 1  # one subscriber per node: the second one cascades
    backend = JanusBackend(settings.MEDIA_NODES, settings.JANUS_API_SECRET)
    set_backend(backend)
    yield backend
    set_backend(None)
    await backend.close()


class TrackReceiver(Receiver):
    """A subscriber's peer connection that keeps the last frame of each video track."""

    def __init__(self):
        super().__init__()
        self.last_by_track = {}

    async def _read(self, track):
        while True:
            try:
                frame = await track.recv()
            except Exception:
                return
            self.frames += 1
            self.last = self.last_by_track[track.id] = frame


def is_blue(frame) -> bool:
    """Mostly blue (U far above black's 128; at a low bitrate VP8 gives about 30, 180, 95)."""
    frame = frame.reformat(format="yuv420p")
    y, u, _v = (sum(bytes(plane)) / plane.buffer_size for plane in frame.planes)
    return y < 90 and u > 150


async def until(condition, seconds: float = WAIT_SECONDS) -> bool:
    """Wait for ``condition()`` (a function) to hold; whether it did."""
    deadline = time.monotonic() + seconds
    while not await condition():
        if time.monotonic() > deadline:
            return False
        await asyncio.sleep(0.1)
    return True


async def publish(client, kind: str, colour):
    pc, offer = await publisher_offer(ColourTrack(colour))
    reply = await ok(client, "media.publish", {"kind": kind, "jsep": offer})
    await pc.setRemoteDescription(RTCSessionDescription(**reply["jsep"]))
    return pc, reply["feed"]["feed_id"]


async def receive(client, receiver: Receiver, feeds: list[int]) -> dict:
    reply = await ok(client, "media.subscribe", {"feeds": feeds})
    if reply["jsep"] is not None:
        await ok(client, "media.start", {"jsep": await receiver.answer(reply["jsep"])})
    return reply


async def receive_anew(client, receiver: Receiver, feeds: list[int]) -> "TrackReceiver":
    """A new subscriber connection for ``feeds`` (the previous one dropped): aiortc, unlike Chromium,
    decoded nothing on a transceiver added by a later offer (seen on the origin alone)."""
    await ok(client, "media.subscribe", {"feeds": []})
    await receiver.close()
    fresh = TrackReceiver()
    await receive(client, fresh, feeds)
    return fresh


@database_sync_to_async
def subscription_nodes() -> dict[int, str]:
    live = MediaSubscription.objects.filter(ended_at=None).select_related("room")
    return {subscription.participant_id: subscription.room.node for subscription in live}


@database_sync_to_async
def live_rooms() -> list[tuple[str, bool]]:
    return [(room.node, room.is_origin) for room in MediaNodeRoom.objects.filter(ended_at=None)]


async def edge_feeds(backend, session_id: int) -> set[int] | None:
    """The feeds the edge room advertises, or None once the room is gone."""
    node = backend.nodes[settings.MEDIA_NODES[1]]
    try:
        reply = await node.room_request({"request": "listparticipants", "room": session_id})
    except Exception:
        return None
    return {p["id"] for p in reply["plugindata"]["data"]["participants"] if p.get("publisher")}


async def test_a_webinar_cascades_to_a_second_janus_node(webinar, two_nodes):
    origin, edge = settings.MEDIA_NODES
    host, ann, bob = await start(webinar)
    session_id = webinar["host"].session_id
    camera_pc, camera = await publish(host, "camera", (117, 62, 44))  # green
    ann_view, bob_view = TrackReceiver(), TrackReceiver()
    pcs = [camera_pc]
    try:
        await receive(ann, ann_view, [camera])
        assert await frames_after(ann_view) >= 10  # the presenter's first keyframe is used up
        await receive(bob, bob_view, [camera])
        assert await subscription_nodes() == {webinar["ann"].pk: origin, webinar["bob"].pk: edge}
        assert await live_rooms() == [(origin, True), (edge, False)]
        assert await frames_after(bob_view) >= 10, "the edge subscriber decodes the relayed feed"
        assert is_green(bob_view.last), "the presenter's picture, not black"

        screen_pc, screen = await publish(host, "screen", BLUE)  # published after the edge was made
        pcs.append(screen_pc)
        bob_view = await receive_anew(bob, bob_view, [screen])
        assert (await subscription_nodes())[webinar["bob"].pk] == edge
        assert await until(lambda: has_blue(bob_view)), "a feed published later reaches the edge"
        assert await edge_feeds(two_nodes, session_id) == {camera, screen}

        await ok(host, "media.unpublish", {"kind": "screen"})
        # Janus removes a remote publisher once its thread has stopped, a moment after the request.
        removed = await until(lambda: edge_has(two_nodes, session_id, {camera}))
        assert removed, "an ended feed is removed from the edge"

        bob_view = await receive_anew(bob, bob_view, [camera])
        assert await frames_after(bob_view) >= 10 and is_green(bob_view.last)
        await ok(host, "media.block", {"participant_id": webinar["host"].pk, "kind": "video", "blocked": True})
        assert await quiet_for(bob_view) == 0, "the organiser's mute silences edge subscribers too"
        await ok(host, "media.block", {"participant_id": webinar["host"].pk, "kind": "video", "blocked": False})
        assert await frames_after(bob_view) >= 10

        await ok(host, "session.end")
        assert await until(lambda: edge_gone(two_nodes, session_id)), "ending the session destroys the edge room"
        assert await live_rooms() == [] and await subscription_nodes() == {}
    finally:
        for receiver in (ann_view, bob_view):
            await receiver.close()
        for pc in pcs:
            await pc.close()
        for client in (host, ann, bob):  # their media hung up while the backend is still there
            await client.close()


async def has_blue(receiver: TrackReceiver) -> bool:
    return any(is_blue(frame) for frame in receiver.last_by_track.values())


async def edge_has(backend, session_id: int, feeds: set[int]) -> bool:
    return await edge_feeds(backend, session_id) == feeds


async def edge_gone(backend, session_id: int) -> bool:
    return await edge_feeds(backend, session_id) is None


async def test_two_processes_relaying_one_feed_at_once_leave_one_working_relay(janus_node, second_janus_node):
    """Each backend stands for an app process: both relay the same feed to the same edge at once."""
    nodes, secret = [janus_node.url, second_janus_node.url], janus_node.api_secret
    first, second = JanusBackend(nodes, secret), JanusBackend(nodes, secret)
    origin = MediaRoom(room_id=9301, secret="secret-9301", node=nodes[0], max_publishers=4)
    edge = MediaRoom(room_id=9301, secret="secret-9301", node=nodes[1], max_publishers=4)
    pc, publisher = await published(first, origin, feed_id=71)
    receivers = []
    try:
        relays = [relay_one(backend, origin, edge, 71, "P", publisher.streams) for backend in (first, second)]
        assert sorted(await asyncio.gather(*relays)) == [False, True], "one relays, the other finds it done"
        receivers.append(await subscribed_on(second, edge, [71]))
        assert await frames_after(receivers[-1]) >= 10 and is_green(receivers[-1].last)
        assert await first.relay_feed(origin, edge, 71, "P", publisher.streams) is False, "still there"
    finally:
        for receiver in receivers:
            await receiver.close()
        await pc.close()
        for backend in (first, second):
            await backend.destroy_room(origin)
            await backend.destroy_room(edge)
            await backend.close()


async def subscribed_on(backend, room, feeds):
    receiver = Receiver()
    handle, offer = await backend.subscribe(room, feeds)
    await backend.start(handle, await receiver.answer(offer))
    return receiver
