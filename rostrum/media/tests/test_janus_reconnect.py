"""The control connection to Janus drops: the backend reconnects by itself, before any request, and
claims its session (an idle app would otherwise let ``reclaim_session_timeout`` run out); a session
Janus no longer knows (Janus restarted) ends its handles with ``hangup``."""

import asyncio

import pytest

from rostrum.media.backend import MediaError
from rostrum.media.tests.test_janus_backend import a_room, backend, frames_after, published, subscribed  # noqa: F401

pytestmark = [pytest.mark.asyncio]


async def until(condition, timeout: float = 15) -> bool:
    for _ in range(int(timeout * 10)):
        if condition():
            return True
        await asyncio.sleep(0.1)
    return condition()


async def test_the_backend_reconnects_and_claims_its_session_without_being_asked(backend, janus_node):  # noqa: F811
    room = a_room(janus_node, 9101)
    pc, publisher = await published(backend, room, feed_id=51)
    receiver, subscriber = await subscribed(backend, room, [51])
    try:
        assert await frames_after(receiver) >= 10
        node = backend.nodes[janus_node.url]
        session, dropped = node.session_id, node.ws
        await dropped.close()
        assert await until(lambda: node.ws is not None and node.ws is not dropped), "no request was needed"
        assert node.session_id == session, "the same session, claimed"
        assert await frames_after(receiver) >= 10
        assert await backend.update(subscriber, add=[], remove=[]) is None  # nothing to renegotiate
    finally:
        await receiver.close()
        await pc.close()
        await backend.hang_up(subscriber)
        await backend.hang_up(publisher)
        await backend.destroy_room(room)


async def test_a_session_janus_no_longer_knows_ends_its_handles(backend, janus_node):  # noqa: F811
    room = a_room(janus_node, 9102)
    pc, publisher = await published(backend, room, feed_id=61)
    events = []
    publisher.on_event = lambda kind, message: events.append(kind)
    try:
        node = backend.nodes[janus_node.url]
        node.session_id = 1  # as after a Janus restart: the claim is refused
        await node.ws.close()
        assert await until(lambda: "hangup" in events), events
        assert await until(lambda: node.ws is not None and node.session_id not in (None, 1)), "a new session"
        with pytest.raises(MediaError) as gone:
            await backend.update(publisher, add=[1], remove=[])
        assert gone.value.code == "handle_gone"
        await backend.hang_up(publisher)  # never raises for a gone handle
        [health] = await backend.health()
        assert health.ok
    finally:
        await pc.close()
        await backend.destroy_room(room)
