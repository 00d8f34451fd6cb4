"""A feed relayed from one Janus node to another with VideoRoom's **remote publishers** (``JanusBackend.
relay_feed``; what is relayed when: ``rostrum.media.cascade``).

On the edge, ``add_remote_publisher`` (with the room secret) registers the feed under its own id and
answers where to send its RTP; on the origin, ``publish_remotely`` forwards the publisher's RTP
there and listens for RTCP back, so that an edge subscriber's keyframe request reaches the
publisher. ``unpublish_remotely`` and ``remove_remote_publisher`` undo it; ``listremotes`` (spelled
``list_remotes`` after 1.1.2) lists an origin publisher's forwardings. Checked against Janus 1.1.2:
``../shared/notes/janus.md`` and ``media/tests/test_janus_cascade.py``.

Several app processes may relay the same feed to the same edge at once: the edge's "ID exists"
(436) tells the second one, which then waits for the first one's forwarding before its subscriber
joins (joined earlier, its keyframe request would go nowhere).
"""

import asyncio
import hashlib
import ipaddress
import logging
import socket
from urllib.parse import urlsplit

from rostrum.media.backend import MediaError, MediaRoom
from rostrum.media.janus import FEED_WAIT_SECONDS, FEED_WAIT_STEP, NO_SUCH_FEED, NO_SUCH_ROOM, JanusNode

logger = logging.getLogger(__name__)

ID_EXISTS = 436
UNKNOWN_REQUEST = 423
LIST_REMOTES = ["listremotes", "list_remotes"]  # 1.1.2's spelling first; the one that answers stays first


def remote_id(edge: MediaRoom) -> str:
    """The origin's name for its forwarding of a feed to ``edge`` (one per edge node)."""
    return f"edge-{edge.room_id}-{hashlib.sha256(edge.node.encode()).hexdigest()[:12]}"


async def relay_address(url: str) -> str:
    """Where a node receives relayed RTP: the address its API is reached at (loopback, or the nodes'
    private network), as an IP address (Janus binds to it)."""
    host = urlsplit(url).hostname or "127.0.0.1"
    try:
        return str(ipaddress.ip_address(host))
    except ValueError:
        infos = await asyncio.get_running_loop().getaddrinfo(host, None, family=socket.AF_INET)
        return infos[0][4][0]


async def relay_feed(backend, origin: MediaRoom, edge: MediaRoom, feed_id: int, display: str, streams: list) -> bool:
    source, target = await backend.ensure_room(origin), await backend.ensure_room(edge)
    await publishing(source, origin, feed_id)
    body = {
        "request": "add_remote_publisher",
        "room": edge.room_id,
        "secret": edge.secret,
        "id": feed_id,
        "display": display[:100],
        "iface": await relay_address(edge.node),
        "streams": streams,
    }
    try:
        added = (await target.room_request(body))["plugindata"]["data"]
    except MediaError as error:
        if error.code != f"janus_{ID_EXISTS}":
            raise
        if await forwarding(source, origin, edge, feed_id):
            return False  # relayed there already, by this process or another
        await unrelay_feed(backend, origin, edge, feed_id)  # half made by a process gone, or stale: anew
        added = (await target.room_request(body))["plugindata"]["data"]
    try:
        await forward(backend, source, origin, edge, feed_id, added)
    except MediaError:
        await unrelay_feed(backend, origin, edge, feed_id)
        raise
    return True


async def forward(backend, source: JanusNode, origin: MediaRoom, edge: MediaRoom, feed_id: int, added: dict) -> None:
    """``publish_remotely`` to the port the edge answered. A forwarding to this edge that is still
    there points at a remote publisher since replaced (by a process that gave up waiting): ours wins."""
    body = {
        "request": "publish_remotely",
        "room": origin.room_id,
        "secret": origin.secret,
        "publisher_id": feed_id,
        "remote_id": remote_id(edge),
        "host": added["ip"],
        "port": added["port"],
        "rtcp_port": added["rtcp_port"],
    }
    try:
        await backend._waiting_for_feeds(source.room_request(body) for _ in iter(int, 1))
    except MediaError as error:
        if error.code != f"janus_{ID_EXISTS}":
            raise
        stop = {"request": "unpublish_remotely", "room": origin.room_id, "secret": origin.secret}
        await source.room_request({**stop, "publisher_id": feed_id, "remote_id": remote_id(edge)})
        await source.room_request(body)


async def publishing(source: JanusNode, origin: MediaRoom, feed_id: int) -> None:
    """Wait until the publisher's connection is up (``publish_remotely`` is accepted before): a feed
    whose browser never connects is not relayed anywhere."""
    deadline = asyncio.get_running_loop().time() + FEED_WAIT_SECONDS
    while True:
        reply = await source.room_request({"request": "listparticipants", "room": origin.room_id})
        listed = reply["plugindata"]["data"].get("participants", [])
        if any(p.get("id") == feed_id and p.get("publisher") for p in listed):
            return
        if asyncio.get_running_loop().time() > deadline:
            raise MediaError(f"janus_{NO_SUCH_FEED}", f"feed {feed_id} is not publishing in room {origin.room_id}")
        await asyncio.sleep(FEED_WAIT_STEP)


async def forwarding(source: JanusNode, origin: MediaRoom, edge: MediaRoom, feed_id: int) -> bool:
    """Whether the origin forwards the feed to ``edge``, waiting a little for another process that
    may be setting it up now."""
    deadline = asyncio.get_running_loop().time() + FEED_WAIT_SECONDS
    while asyncio.get_running_loop().time() < deadline:
        if remote_id(edge) in await remotes(source, origin, feed_id):
            return True
        await asyncio.sleep(FEED_WAIT_STEP)
    return False


async def remotes(source: JanusNode, origin: MediaRoom, feed_id: int) -> set[str]:
    """The ids of the publisher's forwardings to other nodes (none while its connection is not up)."""
    body = {"room": origin.room_id, "secret": origin.secret, "publisher_id": feed_id}
    for name in list(LIST_REMOTES):
        try:
            reply = await source.room_request({**body, "request": name})
        except MediaError as error:
            if error.code == f"janus_{UNKNOWN_REQUEST}":
                LIST_REMOTES.remove(name)
                LIST_REMOTES.append(name)
                continue
            if error.code == f"janus_{NO_SUCH_FEED}":
                return set()
            raise
        return {remote.get("remote_id") for remote in reply["plugindata"]["data"].get("list", [])}
    return set()


async def unrelay_feed(backend, origin: MediaRoom, edge: MediaRoom, feed_id: int) -> None:
    """Stop the forwarding on the origin and remove the remote publisher on the edge; a feed or room
    already gone is no error, others are logged (never raises)."""
    stop = {"request": "unpublish_remotely", "publisher_id": feed_id, "remote_id": remote_id(edge)}
    remove = {"request": "remove_remote_publisher", "id": feed_id}
    for room, body in ((origin, stop), (edge, remove)):
        node = backend.node(room)
        try:
            await node.ensure()
            await node.room_request({**body, "room": room.room_id, "secret": room.secret})
            if body is remove:
                await removed(node, edge, feed_id)
        except MediaError as error:
            if error.code not in (f"janus_{NO_SUCH_ROOM}", f"janus_{NO_SUCH_FEED}"):
                logger.warning("janus %s %s not done: %s", room.node, body["request"], error.message)


async def removed(target: JanusNode, edge: MediaRoom, feed_id: int) -> None:
    """Wait until the edge no longer lists the remote publisher (Janus stops its thread after
    answering), so that the same feed relayed again right away is not refused as existing."""
    deadline = asyncio.get_running_loop().time() + FEED_WAIT_SECONDS
    while asyncio.get_running_loop().time() < deadline:
        reply = await target.room_request({"request": "listparticipants", "room": edge.room_id})
        if all(p.get("id") != feed_id for p in reply["plugindata"]["data"].get("participants", [])):
            return
        await asyncio.sleep(FEED_WAIT_STEP / 5)
