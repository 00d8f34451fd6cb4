"""The room's WebSocket: authenticate, then parse, authorise and delegate every frame.

Identity comes from the signed join token checked on connect, never from a frame's payload.

Frames leave by the cheapest way that keeps their order: written straight to the socket when the
server is uvicorn's ``websockets-sansio`` protocol, the socket negotiated no compression and nothing
is waiting (one event to a thousand sockets is then a thousand writes of the same bytes, no task
switch); otherwise queued and sent through ASGI by a writer task that exists only while there is
a queue. Database work (connecting: attendance and snapshot; frames; leaving) is batched across
sockets: calls that arrive while the database thread is busy share one thread hop and one database
connection when their turn comes, instead of opening and closing one each (a join storm, a poll's
votes). Each call keeps its own transaction.
"""

import asyncio
import contextvars
import json
import logging
from collections import deque
from urllib.parse import parse_qs

from channels.consumer import get_handler_name
from channels.db import database_sync_to_async
from channels.generic.websocket import AsyncWebsocketConsumer
from django.db import close_old_connections, transaction
from django.utils.translation import gettext as _
from pydantic import ValidationError

from rostrum.live.context import LiveContext, viewer_of
from rostrum.live.errors import LiveError
from rostrum.live.hub import Connection, Outgoing, get_hub
from rostrum.live.publish import encode
from rostrum.live.ratelimit import get_frame_limiter
from rostrum.live.registry import AFTER, HANDLERS
from rostrum.live.snapshot import build_snapshot
from rostrum.live.tokens import read_join_token

try:
    from uvicorn.protocols.websockets.websockets_sansio_impl import WebSocketsSansIOProtocol
except ImportError:  # another ASGI server: frames go through ASGI
    WebSocketsSansIOProtocol = None

logger = logging.getLogger(__name__)
MAX_FRAME_BYTES = 192 * 1024  # below the server's --ws-max-size; room for an SDP answer to many feeds
CLOSE_UNAUTHORISED = 4401
CLOSE_EXPELLED = 4403
BATCH_LIMIT = 100  # calls per thread hop
# Past this many bytes waiting in a socket's buffer, frames queue and go through ASGI, which waits
# for the socket to drain (uvicorn's "writable"): a slow reader does not make the buffer grow.
DIRECT_WRITE_LIMIT = 64 * 1024


def open_attendance(participant_id: int, user_agent: str):
    from rostrum.rooms.session_actions import do_open_attendance

    return do_open_attendance(participant_id, user_agent)


def close_attendance(attendance_id: int) -> None:
    from rostrum.rooms.session_actions import do_close_attendance

    do_close_attendance(attendance_id)


def current_viewer(participant_id: int):
    from rostrum.rooms.models import Participant

    return viewer_of(Participant.objects.get(pk=participant_id))


def run_in_context(participant_id: int, function, *args):
    """``function(context, *args)`` in a transaction, as the participant (fresh from the database)."""
    from rostrum.rooms.models import Participant

    with transaction.atomic():
        participant = Participant.objects.select_related("session__room__account").get(pk=participant_id)
        if participant.is_expelled:
            raise LiveError("expelled", "You were removed from this session.")
        context = LiveContext(participant=participant, session=participant.session)
        return function(context, *args)


def run_handler(participant_id: int, frame_type: str, message) -> dict | None:
    return run_in_context(participant_id, HANDLERS[frame_type].function, message)


class Batch:
    """Calls of one database function from many consumers, run one after another in one thread hop.

    Each call keeps its own transaction and its own result or exception; the caller gets it as soon
    as that call is done, not when the whole batch is. What the hop saves is the hop itself and the
    database connection that ``database_sync_to_async`` opens and closes around each one.
    """

    def __init__(self, function):
        self.function = function
        self.pending: list[tuple[tuple, asyncio.Future]] = []
        self.runner: asyncio.Task | None = None

    async def __call__(self, *args):
        loop = asyncio.get_running_loop()
        future = loop.create_future()
        self.pending.append((args, future))
        if self.runner is None or self.runner.done():
            self.runner = loop.create_task(self._run(loop), context=contextvars.Context())
        return await future

    async def _run(self, loop) -> None:
        while self.pending:
            batch, self.pending = self.pending[:BATCH_LIMIT], self.pending[BATCH_LIMIT:]
            try:
                await database_sync_to_async(self._call_each)(loop, batch)
            except Exception as error:  # around the calls (closing old connections): each caller hears
                for _args, future in batch:
                    _settle(future, None, error)

    def _call_each(self, loop, batch) -> None:
        for args, future in batch:
            if future.done():  # its consumer went away meanwhile
                continue
            try:
                result = self.function(*args)
            except Exception as error:
                if not isinstance(error, LiveError):  # a refusal leaves the connection sound
                    close_old_connections()  # as after any failed call: the next one starts afresh
                loop.call_soon_threadsafe(_settle, future, None, error)
            else:
                loop.call_soon_threadsafe(_settle, future, result, None)


def _settle(future: asyncio.Future, result, error) -> None:
    if future.done():
        return
    if error is not None:
        future.set_exception(error)
    else:
        future.set_result(result)


class Batches:
    def __init__(self):
        self.open_attendance = Batch(open_attendance)
        self.close_attendance = Batch(close_attendance)
        self.snapshot = Batch(build_snapshot)
        self.viewer = Batch(current_viewer)
        self.handler = Batch(run_handler)
        self.in_context = Batch(run_in_context)


_batches: dict[int, tuple[asyncio.AbstractEventLoop, Batches]] = {}


def batches() -> Batches:
    """The running event loop's batches (tests run each on a loop of its own)."""
    loop = asyncio.get_running_loop()
    entry = _batches.get(id(loop))
    if entry is None or entry[0] is not loop:
        _batches.clear()
        entry = _batches[id(loop)] = (loop, Batches())
    return entry[1]


def direct_protocol(send):
    """uvicorn's protocol object behind ``send``, when frames may be written to it directly."""
    protocol = getattr(send, "__self__", None)
    if WebSocketsSansIOProtocol is None or not isinstance(protocol, WebSocketsSansIOProtocol):
        return None
    if protocol.conn.extensions:  # compression: every socket has its own compressor state
        return None
    return protocol


class RoomConsumer(AsyncWebsocketConsumer):
    # The hub fans events out; a channel-layer subscription per socket is what does not scale.
    channel_layer_alias = "__rostrum_live_no_layer__"

    async def dispatch(self, message):
        # Channels closes stale database connections before every handler, one more thread hop per
        # frame; every database call here goes through database_sync_to_async, which does it anyway.
        handler = getattr(self, get_handler_name(message), None)
        if handler is None:
            raise ValueError(f"No handler for message type {message['type']}")
        await handler(message)

    async def connect(self):
        query = parse_qs(self.scope.get("query_string", b"").decode())
        participant_id = read_join_token(query.get("t", [""])[0])
        if participant_id is None:
            await self._refuse(CLOSE_UNAUTHORISED)
            return
        headers = dict(self.scope.get("headers", []))
        opened = await batches().open_attendance(
            participant_id, headers.get(b"user-agent", b"").decode(errors="replace")
        )
        if opened is None:
            await self._refuse(CLOSE_EXPELLED)
            return
        self.participant_id, self.session_id, self.attendance_id, viewer = opened
        self.outbox: deque[Outgoing] = deque()
        self.writer: asyncio.Task | None = None
        self.snapshot_seq = None  # None while a snapshot is being built: events wait in the buffer
        self.buffer: list[tuple[int | None, Outgoing]] = []
        self.media = None  # a MediaPeer from the first media frame on (most sockets never send one)
        self.lanes: dict[str, asyncio.Task] = {}  # the last media frame of each lane (registry.Handler.lane)
        await self.accept()
        self.protocol = direct_protocol(self.base_send)
        self.transport = self.protocol.transport if self.protocol is not None else None
        self.connection = Connection(self.session_id, viewer, self._deliver, self._control)
        await get_hub().attach(self.connection)
        await self._send_snapshot()

    async def _refuse(self, code: int) -> None:
        # Accepted first, then closed: a browser sees a close code only on an open socket (a refused
        # handshake is 1006 to it), and the client stops reconnecting on these two codes.
        await self.accept()
        await self.close(code=code)

    async def disconnect(self, code):
        lanes = list(getattr(self, "lanes", {}).values())
        if lanes:  # what they set up on the SFU is then hung up with the rest
            await asyncio.wait(lanes)
        if getattr(self, "media", None) is not None:
            await self.media.close()
        connection = getattr(self, "connection", None)
        if connection is not None:
            await get_hub().detach(connection)
            self.outbox.clear()
            if self.writer is not None:
                self.writer.cancel()
        if getattr(self, "attendance_id", None):
            await batches().close_attendance(self.attendance_id)

    def _deliver(self, seq: int | None, frame: Outgoing) -> None:
        if self.snapshot_seq is None:
            self.buffer.append((seq, frame))
        elif seq is None or seq > self.snapshot_seq:
            self._send_frame(frame)

    def _send_frame(self, frame: Outgoing) -> None:
        """Write now if nothing waits and the socket takes it; else queue behind what waits."""
        transport = self.transport
        if (
            transport is not None
            and not self.outbox
            and not self.protocol.close_sent  # the server has not begun closing
            and not transport.is_closing()  # nor has the client; nor is it gone
            and transport.get_write_buffer_size() < DIRECT_WRITE_LIMIT  # a slow reader waits its turn
        ):
            transport.write(frame.wire)
            return
        self.outbox.append(frame)
        if self.writer is None:
            self.writer = asyncio.get_running_loop().create_task(self._write())

    def _send_text(self, text: str) -> None:
        self._send_frame(Outgoing(text))

    async def _write(self) -> None:
        """Send what is queued, through ASGI (which waits while the socket's buffer is full)."""
        try:
            while self.outbox:
                await self.send(text_data=self.outbox[0].text)
                self.outbox.popleft()
        except Exception:  # the socket is gone: disconnect() follows
            self.outbox.clear()
        finally:
            self.writer = None

    async def _send_snapshot(self) -> None:
        self.snapshot_seq = None
        snapshot = await batches().snapshot(self.participant_id)
        self._send_text(encode(snapshot))
        self.snapshot_seq = snapshot["seq"]
        buffered, self.buffer = self.buffer, []
        for seq, frame in buffered:
            self._deliver(seq, frame)

    async def _control(self, action: str) -> None:
        if action == "close":
            self._send_text(encode({"type": "closed", "reason": "expelled"}))
            if self.writer is not None:  # let the writer send it first
                await asyncio.wait([self.writer], timeout=1)
            await self.close(code=CLOSE_EXPELLED)
        elif action == "refresh":
            self.connection.viewer = await batches().viewer(self.participant_id)
            await self._send_snapshot()

    async def receive(self, text_data=None, bytes_data=None):
        ref = None
        try:
            if text_data is None or len(text_data.encode()) > MAX_FRAME_BYTES:
                raise LiveError("frame_too_large", f"Frames are text of at most {MAX_FRAME_BYTES} bytes.")
            try:
                frame = json.loads(text_data)
            except json.JSONDecodeError:
                raise LiveError("bad_json", "A frame is one JSON object.") from None
            if not isinstance(frame, dict):
                raise LiveError("bad_json", "A frame is one JSON object.")
            ref = frame.get("ref") if isinstance(frame.get("ref"), (str, int)) else None
            await self._dispatch(frame, ref)
        except LiveError as error:
            self._send_text(encode({"type": "error", "code": error.code, "message": error.message, "ref": ref}))

    async def _dispatch(self, frame: dict, ref) -> None:
        frame_type = frame.get("type")
        if frame_type == "sync":
            await self._send_snapshot()
            return
        handler = HANDLERS.get(frame_type) if isinstance(frame_type, str) else None
        if handler is None:
            raise LiveError("unknown_type", "This kind of frame is not understood.")
        if handler.rate is not None and not get_frame_limiter().allow(self.participant_id, frame_type, handler.rate):
            per_second = round(handler.rate.count / handler.rate.seconds)
            text = _("Too many “%(type)s” frames: at most %(count)d a second.")
            raise LiveError("rate_limited", text % {"type": frame_type, "count": per_second})
        try:
            message = handler.schema.model_validate(frame.get("data") or {})
        except ValidationError as error:
            details = "; ".join(f"{'.'.join(map(str, e['loc'])) or 'data'}: {e['msg']}" for e in error.errors())
            raise LiveError("invalid", details[:500]) from None
        if handler.is_async:
            lane = handler.lane(message) if handler.lane is not None else "default"
            previous = self.lanes.get(lane)
            run = self._run_in_lane(previous, handler, message, frame_type, ref)
            self.lanes[lane] = asyncio.get_running_loop().create_task(run)
            return
        reply = await batches().handler(self.participant_id, frame_type, message)
        await self._acknowledge(frame_type, ref, reply)

    async def _run_in_lane(self, previous: asyncio.Task | None, handler, message, frame_type: str, ref) -> None:
        """An async (media) frame, after the one before it in its lane; its errors answer its ``ref``."""
        if previous is not None:
            await asyncio.wait([previous])
        try:
            reply = await handler.function(self._media_peer(), message)
        except LiveError as error:
            self._send_text(encode({"type": "error", "code": error.code, "message": error.message, "ref": ref}))
            return
        except Exception:
            logger.exception("%s failed", frame_type)
            self._send_text(encode({"type": "error", "code": "server_error", "message": "", "ref": ref}))
            return
        await self._acknowledge(frame_type, ref, reply)

    async def _acknowledge(self, frame_type: str, ref, reply) -> None:
        self._send_text(encode({"type": "ack", "ref": ref, "data": reply or {}}))
        for follow_up in AFTER.get(frame_type, ()):
            try:
                await follow_up(self._media_peer(), reply)
            except Exception:
                logger.exception("after %s", frame_type)

    def _media_peer(self):
        if self.media is None:
            from rostrum.media.relay import MediaPeer

            participant_id = self.participant_id
            self.media = MediaPeer(
                lambda function, *args: batches().in_context(participant_id, function, *args),
                lambda frame: self._send_text(encode(frame)),
            )
        return self.media
