"""The room's WebSocket: authenticate, then parse, authorise and delegate every frame.

Identity comes from the signed join token checked on connect, never from a frame's payload.
"""

import asyncio
import json
import logging
from urllib.parse import parse_qs

from channels.db import database_sync_to_async
from channels.generic.websocket import AsyncWebsocketConsumer
from django.db import transaction
from pydantic import ValidationError

from rostrum.live.context import LiveContext, viewer_of
from rostrum.live.errors import LiveError
from rostrum.live.hub import Connection, get_hub
from rostrum.live.publish import encode
from rostrum.live.registry import HANDLERS
from rostrum.live.snapshot import build_snapshot
from rostrum.live.tokens import read_join_token

logger = logging.getLogger(__name__)
MAX_FRAME_BYTES = 16 * 1024
CLOSE_UNAUTHORISED = 4401
CLOSE_EXPELLED = 4403


def open_attendance(participant_id: int, user_agent: str):
    from rostrum.rooms.session_actions import do_open_attendance

    return do_open_attendance(participant_id, user_agent)


def close_attendance(attendance_id: int) -> None:
    from rostrum.rooms.session_actions import do_close_attendance

    do_close_attendance(attendance_id)


def current_viewer(participant_id: int):
    from rostrum.rooms.models import Participant

    return viewer_of(Participant.objects.get(pk=participant_id))


def run_handler(participant_id: int, frame_type: str, message) -> dict | None:
    from rostrum.rooms.models import Participant

    with transaction.atomic():
        participant = Participant.objects.select_related("session__room__account").get(pk=participant_id)
        if participant.is_expelled:
            raise LiveError("expelled", "You were removed from this session.")
        context = LiveContext(participant=participant, session=participant.session)
        return HANDLERS[frame_type].function(context, message)


class RoomConsumer(AsyncWebsocketConsumer):
    # The hub fans events out; a channel-layer subscription per socket is what does not scale.
    channel_layer_alias = "__rostrum_live_no_layer__"

    async def connect(self):
        query = parse_qs(self.scope.get("query_string", b"").decode())
        participant_id = read_join_token(query.get("t", [""])[0])
        if participant_id is None:
            await self.close(code=CLOSE_UNAUTHORISED)
            return
        headers = dict(self.scope.get("headers", []))
        opened = await database_sync_to_async(open_attendance)(
            participant_id, headers.get(b"user-agent", b"").decode(errors="replace")
        )
        if opened is None:
            await self.close(code=CLOSE_EXPELLED)
            return
        self.participant_id, self.session_id, self.attendance_id, viewer = opened
        self.outbox: asyncio.Queue[str] = asyncio.Queue()
        self.snapshot_seq = None  # None while a snapshot is being built: events wait in the buffer
        self.buffer: list[tuple[int, str]] = []
        await self.accept()
        self.writer = asyncio.create_task(self._write())
        self.connection = Connection(self.session_id, viewer, self._deliver, self._control)
        await get_hub().attach(self.connection)
        await self._send_snapshot()

    async def disconnect(self, code):
        connection = getattr(self, "connection", None)
        if connection is not None:
            await get_hub().detach(connection)
            self.writer.cancel()
        if getattr(self, "attendance_id", None):
            await database_sync_to_async(close_attendance)(self.attendance_id)

    def _deliver(self, seq: int, frame: str) -> None:
        if self.snapshot_seq is None:
            self.buffer.append((seq, frame))
        elif seq > self.snapshot_seq:
            self.outbox.put_nowait(frame)

    async def _write(self) -> None:
        while True:
            frame = await self.outbox.get()
            await self.send(text_data=frame)

    async def _send_snapshot(self) -> None:
        self.snapshot_seq = None
        snapshot = await database_sync_to_async(build_snapshot)(self.participant_id)
        self.outbox.put_nowait(encode(snapshot))
        self.snapshot_seq = snapshot["seq"]
        buffered, self.buffer = self.buffer, []
        for seq, frame in buffered:
            self._deliver(seq, frame)

    async def _control(self, action: str) -> None:
        if action == "close":
            self.outbox.put_nowait(encode({"type": "closed", "reason": "expelled"}))
            await asyncio.sleep(0.05)  # let the writer send it
            await self.close(code=CLOSE_EXPELLED)
        elif action == "refresh":
            self.connection.viewer = await database_sync_to_async(current_viewer)(self.participant_id)
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
            self.outbox.put_nowait(encode({"type": "error", "code": error.code, "message": error.message, "ref": ref}))

    async def _dispatch(self, frame: dict, ref) -> None:
        frame_type = frame.get("type")
        if frame_type == "sync":
            await self._send_snapshot()
            return
        handler = HANDLERS.get(frame_type) if isinstance(frame_type, str) else None
        if handler is None:
            raise LiveError("unknown_type", "This kind of frame is not understood.")
        try:
            message = handler.schema.model_validate(frame.get("data") or {})
        except ValidationError as error:
            details = "; ".join(f"{'.'.join(map(str, e['loc'])) or 'data'}: {e['msg']}" for e in error.errors())
            raise LiveError("invalid", details[:500]) from None
        reply = await database_sync_to_async(run_handler)(self.participant_id, frame_type, message)
        self.outbox.put_nowait(encode({"type": "ack", "ref": ref, "data": reply or {}}))
