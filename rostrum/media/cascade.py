"""A session's feeds relayed from its origin room to its edge rooms (an audience beyond one node).

``rostrum.media.placement`` decides where a subscriber goes; when that is an edge, the feeds are
relayed there with VideoRoom **remote publishers**: on the edge each feed is added under its own
id (so a subscriber's feeds and streams are numbered as on the origin and the browser cannot tell
the difference), and the origin forwards the publisher's RTP to it, with RTCP back (an edge
subscriber's keyframe request reaches the publisher). What starts and ends a relay:

- a subscriber placed on an edge, or adding feeds there: the feeds it wants that are not relayed
  yet are, before it subscribes (this also mends a race with a feed published meanwhile);
- a feed published: relayed to every edge of the session once its browser's connection is up;
- a feed ended (unpublished, its socket closed, the floor taken back): removed from every edge;
- the session ended: the edge rooms are destroyed with the origin (``MediaPeer.end_session``).

An organiser's mute (``moderate``) is applied on the origin, which stops what it forwards, and on
the edges (an unmute there asks for a keyframe at once); a kick ends the feed (removed from the edges).
"""

import asyncio
import logging

from django.core.cache import cache

from rostrum.media import actions, placement
from rostrum.media.backend import MediaError, MediaRoom

logger = logging.getLogger(__name__)

RELAY_LOCK_SECONDS = 15  # longer than a relay normally takes (well under a second; its waits: 5 s each)
# (session, edge node, publication) relayed by this process: later subscribers skip the request.
_relayed: set[tuple[int, str, int]] = set()


def forget_relays() -> None:
    _relayed.clear()


def backend():
    from rostrum.media.registry import get_backend

    return get_backend()


def room_on(plan, node: str) -> MediaRoom:
    """The session's room on ``node`` (its origin's node or an edge's): same number, same secret."""
    from rostrum.media.rooms import media_room_for

    return media_room_for(plan.session_id, plan.room_type, plan.max_publishers, node)


async def subscriber_room(call, plan, feed_ids: list[int]) -> tuple[MediaRoom, int]:
    """Place a new subscriber connection (``call`` runs a function in the database thread); the room
    it subscribes in, with the feeds it wants relayed there, and its subscription's id. (Only those:
    a feed whose browser never connected must not hold up everyone else's subscription.)"""
    node, subscription_id = await call(placement.do_place_subscriber)
    if node != plan.node:
        try:
            await relay_missing(call, plan, node, feed_ids)
        except MediaError:
            await call(placement.do_end_subscription, subscription_id)
            raise
    return room_on(plan, node), subscription_id


async def relay_missing(call, plan, edge_node: str, feed_ids: list[int] | None = None) -> None:
    """Relay the session's live feeds (or those of ``feed_ids``) to ``edge_node`` if not there yet."""
    origin, edge = room_on(plan, plan.node), room_on(plan, edge_node)
    for feed in await call(placement.relayed_feeds, feed_ids):
        key = (plan.session_id, edge_node, feed["publication"])
        if key not in _relayed:
            await relay_one(backend(), origin, edge, feed["feed_id"], feed["display"], feed["streams"])
            _relayed.add(key)


async def relay_one(sfu, origin: MediaRoom, edge: MediaRoom, feed_id: int, display: str, streams: list) -> bool:
    """``sfu.relay_feed``, one app process at a time per feed and edge: without this, two processes
    relaying the same feed at once were seen (once in a few runs) both to report making the relay.
    A lock in the cache (Redis, shared by the processes) makes them take turns; a holder that died
    frees it after ``RELAY_LOCK_SECONDS``."""
    key = f"media:relaying:{edge.node}:{edge.room_id}:{feed_id}"
    loop = asyncio.get_running_loop()
    deadline = loop.time() + RELAY_LOCK_SECONDS
    while not cache.add(key, True, RELAY_LOCK_SECONDS) and loop.time() < deadline:
        await asyncio.sleep(0.05)
    try:
        return await sfu.relay_feed(origin, edge, feed_id, display, streams)
    finally:
        cache.delete(key)


async def relay_published(call, plan, feed_id: int) -> None:
    """Feed ``feed_id`` was just published: relay it to every edge of the session. Never raises.
    (The same feed's previous publish was removed from the edges first: ``MediaPeer.publish``.)"""
    edges = (await call(actions.current_room_plan)).edges
    feeds = await call(placement.relayed_feeds, [feed_id]) if edges else []
    origin = room_on(plan, plan.node)
    for feed in feeds:
        for edge_node in edges:
            try:
                edge = room_on(plan, edge_node)
                await relay_one(backend(), origin, edge, feed_id, feed["display"], feed["streams"])
                _relayed.add((plan.session_id, edge_node, feed["publication"]))
            except MediaError as error:  # its subscribers there get it when they next ask for it
                logger.warning("feed %s not relayed to %s: %s", feed_id, edge_node, error.message)


async def moderate_edges(plan, feed_id: int, mids: list[str], muted: bool) -> None:
    """An organiser's mute or unmute, on the edges too (never raises). Muting the origin alone stops
    what it forwards; but after an unmute there, edge subscribers waited ~15 s for a keyframe
    (measured): the edge's own unmute asks the publisher for one."""
    for edge_node in plan.edges:
        try:
            await backend().moderate(room_on(plan, edge_node), feed_id, mids, muted)
        except MediaError as error:  # a feed not relayed there (yet) has nothing to mute
            logger.info("feed %s not moderated on %s: %s", feed_id, edge_node, error.message)


async def unrelay(plan, feed_ids) -> None:
    """Feeds that ended: removed from every edge of the session (never raises)."""
    origin = room_on(plan, plan.node)
    for edge_node in plan.edges:
        for feed_id in feed_ids:
            try:
                await backend().unrelay_feed(origin, room_on(plan, edge_node), feed_id)
            except Exception:
                logger.exception("feed %s not removed from %s", feed_id, edge_node)


async def unrelay_ended(call, feed_ids) -> None:
    if feed_ids:
        await unrelay(await call(actions.current_room_plan), feed_ids)


async def destroy(plan) -> None:
    """The session ended: its origin and edge rooms go (never raises)."""
    _relayed.difference_update({key for key in _relayed if key[0] == plan.session_id})
    for node in (plan.node, *plan.edges):
        try:
            await backend().destroy_room(room_on(plan, node))
        except Exception:
            logger.exception("media room of session %s on %s not destroyed", plan.session_id, node)
