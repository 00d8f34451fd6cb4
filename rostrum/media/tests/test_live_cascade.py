"""Cascading over the live protocol with the SFU faked: which relays, mutes and teardowns the relay
asks the SFU for when subscribers overflow to an edge node, feeds come and go, and the session ends.
Against two real Janus processes: test_janus_cascade.py."""

import asyncio
import time

import pytest
from channels.db import database_sync_to_async

from rostrum.media.constants import feed_id_for
from rostrum.media.fake import FakeBackend
from rostrum.media.models import MediaNodeRoom, MediaSubscription
from rostrum.media.registry import set_backend
from rostrum.media.tests.test_live_media import AUDIO, VIDEO, offer, ok, refused, start

pytestmark = [pytest.mark.asyncio, pytest.mark.django_db(transaction=True)]

A, B = "ws://origin.invalid:8188", "ws://edge.invalid:8188"


@pytest.fixture(autouse=True)
def fake(settings):
    settings.MEDIA_NODES = [A, B]
    settings.MEDIA_NODE_CAPACITY = 1
    backend = FakeBackend()
    set_backend(backend)
    yield backend
    set_backend(None)


@database_sync_to_async
def placed() -> dict[int, str]:
    live = MediaSubscription.objects.filter(ended_at=None).select_related("room")
    return {subscription.participant_id: subscription.room.node for subscription in live}


@database_sync_to_async
def live_rooms() -> list[tuple[str, bool]]:
    return [(room.node, room.is_origin) for room in MediaNodeRoom.objects.filter(ended_at=None)]


async def soon(condition, seconds: float = 5) -> bool:
    """Whether ``condition()`` holds, waiting for what the relay does after its reply."""
    deadline = time.monotonic() + seconds
    while not condition() and time.monotonic() < deadline:
        await asyncio.sleep(0.02)
    return condition()


async def test_feeds_follow_the_audience_to_an_edge_node_and_leave_it(webinar, fake):
    host, ann, bob = await start(webinar)
    camera = (await ok(host, "media.publish", {"kind": "camera", "jsep": offer(AUDIO, VIDEO)}))["feed"]["feed_id"]
    await ok(ann, "media.subscribe", {"feeds": [camera]})
    assert fake.called("relay_feed") == [], "the origin has room for one subscriber"
    await ok(bob, "media.subscribe", {"feeds": [camera]})
    assert await placed() == {webinar["ann"].pk: A, webinar["bob"].pk: B}
    assert fake.called("relay_feed") == [(A, B, camera)], "relayed before bob subscribes there"

    await ok(host, "floor.set", {"participant_id": webinar["ann"].pk, "floor": "audio"})
    ann_feed = feed_id_for(webinar["ann"].pk, "camera")
    await ok(ann, "media.publish", {"kind": "camera", "jsep": offer(AUDIO)})
    relayed = await soon(lambda: (A, B, ann_feed) in fake.called("relay_feed"))
    assert relayed, "a feed published later goes to the edge"

    mute = {"participant_id": webinar["host"].pk, "kind": "audio", "blocked": True}
    await refused(bob, "media.block", mute, "not_allowed")
    assert fake.called("moderate") == [], "a refused frame changes nothing"
    await ok(host, "media.block", mute)
    assert len(fake.called("moderate")) == 2, "the mute is applied on the origin and on the edge"

    await ok(host, "floor.set", {"participant_id": webinar["ann"].pk, "floor": ""})
    assert ("unrelay_feed", A, B, ann_feed) in fake.calls, "the floor taken back removes her feed from the edge"
    await ok(host, "media.unpublish", {"kind": "camera"})
    assert ("unrelay_feed", A, B, camera) in fake.calls
    assert fake.relays == {}

    await ok(bob, "media.subscribe", {"feeds": []})
    assert await placed() == {webinar["ann"].pk: A}, "bob's place on the edge is free again"
    await ok(host, "session.end")
    session_id = webinar["host"].session_id
    both = await soon(lambda: fake.called("destroy_room") == [(session_id,), (session_id,)])
    assert both, "the origin room and the edge room are destroyed"
    assert await live_rooms() == [] and await placed() == {}
    await close(host, ann, bob)


async def test_a_feed_published_again_replaces_the_one_on_the_edge(webinar, fake):
    host, ann, bob = await start(webinar)
    camera = (await ok(host, "media.publish", {"kind": "camera", "jsep": offer(AUDIO, VIDEO)}))["feed"]["feed_id"]
    await ok(ann, "media.subscribe", {"feeds": [camera]})
    await ok(bob, "media.subscribe", {"feeds": [camera]})
    await ok(host, "media.publish", {"kind": "camera", "jsep": offer(AUDIO, VIDEO)})  # e.g. another camera
    assert ("unrelay_feed", A, B, camera) in fake.calls
    assert await soon(lambda: fake.called("relay_feed") == [(A, B, camera), (A, B, camera)])
    assert await live_rooms() == [(A, True), (B, False)]
    await close(host, ann, bob)


async def close(*clients):
    """While the fake is still the backend: what their sockets hang up goes to it."""
    for client in clients:
        await client.close()
