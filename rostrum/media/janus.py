"""``MediaBackend`` on Janus's VideoRoom plugin, over Janus's WebSocket API.

One control connection and one Janus session per node per process, made on first use. Every
request carries the ``api_secret`` and a random ``transaction``: core requests and synchronous
plugin requests answer ``success``; asynchronous plugin requests (join, publish, start, update)
answer ``ack`` and then an ``event`` with the same transaction. A plugin's refusal comes as
``plugindata.data.error_code``, not as a Janus ``error``: both become ``MediaError``.

If the control connection drops, every Janus session made over it would die with it; Janus keeps
them for ``reclaim_session_timeout`` seconds (30). The node reconnects at once in the background
(not only at the next request: an idle app would otherwise let the session expire) and ``claim``s
the session, so calls go on (``../shared/notes/janus.md``). If the session is gone all the same
(Janus restarted), each of its handles hears ``hangup``.
"""

import asyncio
import contextlib
import json
import logging
import secrets

from websockets.asyncio.client import connect
from websockets.exceptions import WebSocketException

from rostrum.media.backend import Handle, MediaError, MediaRoom, NodeHealth

logger = logging.getLogger(__name__)

PLUGIN = "janus.plugin.videoroom"
KEEPALIVE_SECONDS = 25
REQUEST_SECONDS = 10
HEALTH_SECONDS = 2
RECONNECT_SECONDS = (0.2, 0.5, 1, 2, 5)  # waits between attempts after a drop; the last repeats
ROOM_EXISTS = 427
NO_SUCH_ROOM = 426
NO_SUCH_FEED = 428
HANDLE_EVENTS = ("webrtcup", "hangup", "media", "slowlink", "detached")
# A feed can be subscribed to once its publisher's connection is up, a moment after the publish
# answer: until then Janus says "no such feed". Subscriptions retry for this long.
FEED_WAIT_SECONDS = 5.0
FEED_WAIT_STEP = 0.25
FEED_WAIT_FIRST = 0.04
# VideoRoom numbers a simulcast publisher's layers 0 (smallest) to 2 (largest); a subscriber asks
# for one. Asking for 2 from a publisher that sends two layers gets the larger of the two.
SUBSTREAMS = {"high": 2, "low": 0}


def plugin_error(message: dict) -> MediaError | None:
    data = message.get("plugindata", {}).get("data", {})
    if "error_code" in data:
        return MediaError(f"janus_{data['error_code']}", data.get("error", ""))
    if message.get("janus") == "error":
        error = message.get("error", {})
        return MediaError(f"janus_{error.get('code', 'error')}", error.get("reason", ""))
    return None


class JanusNode:
    """One Janus server: its control connection, this process's session on it, and its handles."""

    def __init__(self, url: str, api_secret: str):
        self.url = url
        self.api_secret = api_secret
        self.ws = None
        self.session_id: int | None = None
        self.control_handle: int | None = None  # for room-level requests (create, moderate, kick…)
        self.rooms: set[int] = set()  # rooms this process knows exist
        self.handles: dict[int, Handle] = {}
        self.pending: dict[str, tuple[asyncio.Future, bool]] = {}
        self.lock = asyncio.Lock()
        self.tasks: list[asyncio.Task] = []
        self.closing = False
        self.reconnector: asyncio.Task | None = None

    async def ensure(self) -> None:
        async with self.lock:
            if self.ws is not None:
                return
            self.closing = False
            try:
                self.ws = await asyncio.wait_for(
                    connect(self.url, subprotocols=["janus-protocol"], max_size=None, ping_interval=None),
                    REQUEST_SECONDS,
                )
            except (OSError, TimeoutError, WebSocketException) as error:
                raise MediaError("unreachable", f"{self.url}: {error}", node=self.url) from None
            for task in self.tasks:  # the previous connection's reader and keepalive
                if task is not asyncio.current_task():
                    task.cancel()
            loop = asyncio.get_running_loop()
            self.tasks = [loop.create_task(self._read(self.ws)), loop.create_task(self._keepalive())]
            try:
                await self._session()
            except MediaError:
                ws, self.ws = self.ws, None  # no half-open connection without a session
                if ws is not None:
                    await ws.close()
                raise

    async def _session(self) -> None:
        if self.session_id is not None:
            try:
                await self._send({"janus": "claim", "session_id": self.session_id})
                logger.info("janus %s: session %s reclaimed", self.url, self.session_id)
                return
            except MediaError as error:
                if not error.code.startswith("janus_"):
                    raise  # unreachable or no answer: the session may still be there, try again later
                logger.warning("janus %s: session %s lost; its calls have ended", self.url, self.session_id)
                handles, self.handles = list(self.handles.values()), {}
                self.rooms.clear()
                self.control_handle = None
                for handle in handles:
                    handle.state.pop("id", None)  # hang_up() then has nothing left to free
                    if handle.on_event is not None:
                        handle.on_event("hangup", {"janus": "hangup", "reason": "Janus session lost"})
        reply = await self._send({"janus": "create"})
        self.session_id = reply["data"]["id"]

    async def request(self, body: dict, *, event: bool = False) -> dict:
        await self.ensure()
        return await self._send({**body, "session_id": self.session_id}, event=event)

    async def _send(self, body: dict, *, event: bool = False) -> dict:
        transaction = secrets.token_hex(8)
        future = asyncio.get_running_loop().create_future()
        self.pending[transaction] = (future, event)
        try:
            await self.ws.send(json.dumps({**body, "transaction": transaction, "apisecret": self.api_secret}))
            return await asyncio.wait_for(future, REQUEST_SECONDS)
        except (OSError, WebSocketException) as error:
            raise MediaError("unreachable", f"{self.url}: {error}", node=self.url) from None
        except TimeoutError:
            raise MediaError("timeout", f"{self.url}: no answer to {body.get('janus')}") from None
        finally:
            self.pending.pop(transaction, None)

    async def _read(self, ws) -> None:
        try:
            async for raw in ws:
                self._dispatch(json.loads(raw))
        except (OSError, WebSocketException, ValueError) as error:
            logger.warning("janus %s: control connection lost: %s", self.url, error)
        finally:
            if self.ws is ws:
                self.ws = None
            if self.ws is None:  # not yet replaced: what waits for an answer will get none
                for future, _event in list(self.pending.values()):
                    if not future.done():
                        future.set_exception(MediaError("unreachable", f"{self.url}: connection closed", node=self.url))
            idle = self.reconnector is None or self.reconnector.done()
            if not self.closing and self.session_id is not None and idle:
                self.reconnector = asyncio.get_running_loop().create_task(self._reconnect())

    async def _reconnect(self) -> None:
        """Connect again and claim the session before ``reclaim_session_timeout`` runs out."""
        for attempt in range(1_000_000):
            if self.closing or self.ws is not None:
                return
            await asyncio.sleep(RECONNECT_SECONDS[min(attempt, len(RECONNECT_SECONDS) - 1)])
            try:
                await self.ensure()
                return
            except MediaError as error:
                if attempt == 0:
                    logger.warning("janus %s: reconnecting: %s", self.url, error.message)

    def _dispatch(self, message: dict) -> None:
        kind = message.get("janus")
        entry = self.pending.get(message.get("transaction"))
        if entry is not None:
            future, wants_event = entry
            if kind == "ack" and wants_event:
                return  # the plugin's event follows with the same transaction
            if not future.done():
                error = plugin_error(message)
                future.set_exception(error) if error else future.set_result(message)
            return
        handle = self.handles.get(message.get("sender"))
        if handle is not None and kind in HANDLE_EVENTS and handle.on_event is not None:
            handle.on_event(kind, message)

    async def _keepalive(self) -> None:
        while self.ws is not None:
            await asyncio.sleep(KEEPALIVE_SECONDS)
            with contextlib.suppress(MediaError):
                if self.ws is not None and self.session_id is not None:
                    await self._send({"janus": "keepalive", "session_id": self.session_id})

    async def attach(self) -> int:
        reply = await self.request({"janus": "attach", "plugin": PLUGIN})
        return reply["data"]["id"]

    async def message(self, handle_id: int, body: dict, jsep: dict | None = None, *, event: bool = False) -> dict:
        request = {"janus": "message", "handle_id": handle_id, "body": body}
        if jsep is not None:
            request["jsep"] = jsep
        return await self.request(request, event=event)

    async def room_request(self, body: dict) -> dict:
        """A synchronous VideoRoom request on this process's control handle."""
        if self.control_handle is None:
            self.control_handle = await self.attach()
        return await self.message(self.control_handle, body)

    async def detach(self, handle_id: int) -> None:
        self.handles.pop(handle_id, None)
        with contextlib.suppress(MediaError):
            await self.request({"janus": "detach", "handle_id": handle_id})

    async def close(self) -> None:
        self.closing = True
        for task in [*self.tasks, self.reconnector]:
            if task is not None and task is not asyncio.current_task():
                task.cancel()
        if self.ws is not None:
            with contextlib.suppress(Exception):
                if self.session_id is not None:
                    await self._send({"janus": "destroy", "session_id": self.session_id})
                await self.ws.close()
        self.ws = None
        self.session_id = None


def streams_of(data: dict) -> list[dict]:
    """A subscriber's streams as Janus numbers them: only those carrying a feed."""
    return [
        {"mid": str(s["mid"]), "feed_id": s["feed_id"], "type": s.get("type")}
        for s in data.get("streams", [])
        if s.get("feed_id") is not None and s.get("active", True)
    ]


def video_stream_quality(mid: str, video: str) -> dict:
    if video == "off":
        return {"mid": mid, "send": False}
    return {"mid": mid, "send": True, "substream": SUBSTREAMS[video]}


def recording_dir_request(room: MediaRoom, rec_dir: str) -> dict:
    """Where the room's recordings go from now on (Janus makes the folder)."""
    return {"request": "edit", "room": room.room_id, "secret": room.secret, "new_rec_dir": str(rec_dir)}


def enable_recording_request(room: MediaRoom, record: bool) -> dict:
    """Recording on or off for the whole room, with the secret ``lock_record`` wants and no file name."""
    return {"request": "enable_recording", "room": room.room_id, "secret": room.secret, "record": record}


def live_handle(handle: Handle) -> tuple[JanusNode, int]:
    """The node and Janus handle id behind ``handle``; ``MediaError`` once it was hung up or lost."""
    node, handle_id = handle.state.get("node"), handle.state.get("id")
    if node is None or handle_id is None or handle_id not in node.handles:
        raise MediaError("handle_gone", "this media handle was hung up or its Janus session was lost")
    return node, handle_id


class JanusBackend:
    def __init__(self, nodes: list[str], api_secret: str):
        self.nodes = {url: JanusNode(url, api_secret) for url in nodes}

    def node(self, room: MediaRoom) -> JanusNode:
        node = self.nodes.get(room.node)
        if node is None:
            raise MediaError("unknown_node", f"no media node {room.node}")
        return node

    async def ensure_room(self, room: MediaRoom) -> JanusNode:
        node = self.node(room)
        await node.ensure()
        if room.room_id in node.rooms:
            return node
        body = {
            "request": "create",
            "room": room.room_id,
            "description": room.description[:100],
            "secret": room.secret,
            "is_private": True,
            "publishers": room.max_publishers,
            "audiocodec": "opus",
            "videocodec": "vp8,h264",
            "notify_joining": False,
            "permanent": False,
            "lock_record": True,  # recording is started and stopped with the room secret only
        }
        try:
            await node.room_request(body)
        except MediaError as error:
            if error.code != f"janus_{ROOM_EXISTS}":
                raise
        node.rooms.add(room.room_id)
        return node

    async def _handle(self, node: JanusNode, handle: Handle) -> int:
        handle_id = await node.attach()
        handle.state.update(node=node, id=handle_id)
        node.handles[handle_id] = handle
        return handle_id

    async def publish(self, room, feed_id, display, offer):
        node = await self.ensure_room(room)
        handle = Handle(room=room, role="publisher", feed_id=feed_id)
        handle_id = await self._handle(node, handle)
        try:
            join = {"request": "join", "ptype": "publisher", "room": room.room_id, "id": feed_id, "display": display}
            await node.message(handle_id, join, event=True)
            reply = await node.message(handle_id, {"request": "publish"}, offer, event=True)
        except MediaError:
            await node.detach(handle_id)
            raise
        handle.streams = reply["plugindata"]["data"].get("streams", [])  # what an edge is told to expect
        return handle, reply["jsep"]

    async def subscribe(self, room, feeds):
        node = await self.ensure_room(room)
        handle = Handle(room=room, role="subscriber", feeds=tuple(sorted(feeds)))
        handle_id = await self._handle(node, handle)
        join = {
            "request": "join",
            "ptype": "subscriber",
            "room": room.room_id,
            "streams": [{"feed": feed} for feed in sorted(feeds)],
            "autoupdate": False,
        }
        try:
            reply = await self._waiting_for_feeds(node.message(handle_id, join, event=True) for _ in iter(int, 1))
        except MediaError:
            await node.detach(handle_id)
            raise
        handle.streams = streams_of(reply["plugindata"]["data"])
        return handle, reply["jsep"]

    async def update(self, handle, add, remove):
        if not add and not remove:
            return None
        node, handle_id = live_handle(handle)
        body = {"request": "update"}
        if add:
            body["subscribe"] = [{"feed": feed} for feed in add]
        if remove:
            body["unsubscribe"] = [{"feed": feed} for feed in remove]
        reply = await self._waiting_for_feeds(node.message(handle_id, body, event=True) for _ in iter(int, 1))
        handle.feeds = tuple(sorted((set(handle.feeds) | set(add)) - set(remove)))
        data = reply["plugindata"]["data"]
        if "streams" in data:
            handle.streams = streams_of(data)
        return reply.get("jsep")

    @staticmethod
    async def _waiting_for_feeds(attempts) -> dict:
        """The first of ``attempts`` (coroutines) that does not fail with "no such feed" yet."""
        deadline = asyncio.get_running_loop().time() + FEED_WAIT_SECONDS
        wait = FEED_WAIT_FIRST
        for attempt in attempts:
            try:
                return await attempt
            except MediaError as error:
                if error.code != f"janus_{NO_SUCH_FEED}" or asyncio.get_running_loop().time() > deadline:
                    raise
            # The publisher's connection is usually up within ~0.1 s of its answer: try again soon,
            # then less often (benchmarks: a fixed 0.25 s was most of camera-to-first-frame).
            await asyncio.sleep(wait)
            wait = min(wait * 2, FEED_WAIT_STEP)
        raise AssertionError("unreachable")

    async def start(self, handle, answer):
        node, handle_id = live_handle(handle)
        await node.message(handle_id, {"request": "start"}, answer, event=True)

    async def trickle(self, handle, candidate):
        node, handle_id = live_handle(handle)
        await node.request({"janus": "trickle", "handle_id": handle_id, "candidate": candidate or {"completed": True}})

    async def set_receive_quality(self, handle, video):
        """VideoRoom's subscriber ``configure`` on every video stream of the handle: ``send: false``
        stops relaying it ("off"); otherwise relay it again, from the wanted simulcast layer."""
        node, handle_id = live_handle(handle)
        streams = [video_stream_quality(s["mid"], video) for s in handle.streams if s.get("type") == "video"]
        if streams:
            await node.message(handle_id, {"request": "configure", "streams": streams}, event=True)

    async def hang_up(self, handle):
        node, handle_id = handle.state.get("node"), handle.state.get("id")
        if node is not None and handle_id is not None:
            await node.detach(handle_id)  # leaving the room goes with the handle

    async def moderate(self, room, feed_id, mids, muted):
        node = await self.ensure_room(room)
        for mid in mids:
            body = {"request": "moderate", "secret": room.secret, "room": room.room_id, "id": feed_id}
            await node.room_request({**body, "mid": mid, "mute": muted})

    async def kick(self, room, feed_id):
        node = await self.ensure_room(room)
        try:
            await node.room_request({"request": "kick", "secret": room.secret, "room": room.room_id, "id": feed_id})
        except MediaError as error:
            if error.code != f"janus_{NO_SUCH_FEED}":
                raise

    async def record(self, room, record, rec_dir=""):
        """Start or stop recording every publisher of the room, those who publish later too.

        Two traps answer ``ok`` and record nothing (``../shared/notes/janus.md``): the room has
        ``lock_record``, so the request carries the room ``secret``; and files go under the room's
        ``rec_dir`` with names Janus makes itself, relative to it (never an absolute ``filename``).
        """
        node = await self.ensure_room(room)
        if record:
            await node.room_request(recording_dir_request(room, rec_dir))
        await node.room_request(enable_recording_request(room, record))

    async def destroy_room(self, room):
        node = self.node(room)
        try:
            await node.ensure()
            await node.room_request({"request": "destroy", "secret": room.secret, "room": room.room_id})
        except MediaError as error:
            if error.code != f"janus_{NO_SUCH_ROOM}":
                logger.warning("janus room %s not destroyed: %s", room.room_id, error.message)
        node.rooms.discard(room.room_id)

    async def relay_feed(self, origin, edge, feed_id, display, streams):
        from rostrum.media.janus_remote import relay_feed

        return await relay_feed(self, origin, edge, feed_id, display, streams)

    async def unrelay_feed(self, origin, edge, feed_id):
        from rostrum.media.janus_remote import unrelay_feed

        await unrelay_feed(self, origin, edge, feed_id)

    async def health(self):
        """Every node at once, each given ``HEALTH_SECONDS``: one node down never slows /healthz."""
        return list(await asyncio.gather(*(self._node_health(node) for node in self.nodes.values())))

    async def _node_health(self, node: JanusNode) -> NodeHealth:
        try:
            info = await asyncio.wait_for(self._info(node), HEALTH_SECONDS)
            detail = f"{info.get('name', 'Janus')} {info.get('version_string', '')}".strip()
            return NodeHealth(node=node.url, ok=True, detail=detail)
        except MediaError as error:
            return NodeHealth(node=node.url, ok=False, detail=error.message)
        except TimeoutError:
            return NodeHealth(node=node.url, ok=False, detail=f"{node.url}: no answer in {HEALTH_SECONDS} s")

    @staticmethod
    async def _info(node: JanusNode) -> dict:
        await node.ensure()
        return await node._send({"janus": "info"})

    async def close(self):
        for node in self.nodes.values():
            await node.close()
