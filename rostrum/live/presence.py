"""Presence, aggregated: who is in the room, sent every few seconds when it changed, not per join.

Each process runs one loop per session it has connections for (the hub starts it with the first
local connection and stops it with the last). Every ``INTERVAL_SECONDS`` it asks the database who
is present and makes at most two frames, each encoded once:

- the full list, for organisers (host, presenters) and, in a meeting, for every admitted participant;
- the count and the organisers only, for a webinar's attendees (a thousand names are nobody's
  business but the organisers') and for anyone still in the lobby.

A connection is sent a frame only when it differs from the last one it got, so a quiet room sends
nothing. Frames are unsequenced: ``{"type": "presence", "count": N, "participants": [...]}``.
"""

import asyncio
import contextvars
import logging

from channels.db import database_sync_to_async

from rostrum.live.hub import Connection, Outgoing
from rostrum.live.publish import encode

logger = logging.getLogger(__name__)

INTERVAL_SECONDS: float | None = 2.0  # None: no presence frames (tests other than presence's own)


def read_presence(session_id: int):
    from rostrum.rooms.presence import present_participants

    return present_participants(session_id)


class PresenceLoop:
    def __init__(self, session_id: int, connections: set[Connection]):
        self.session_id = session_id
        self.connections = connections  # the hub's live set for the session
        self.full: Outgoing | None = None
        self.limited: Outgoing | None = None
        self.meeting = False
        self.task: asyncio.Task | None = None

    def start(self) -> None:
        if INTERVAL_SECONDS is None:
            return
        # A context of its own: the loop outlives the consumer that happened to start it.
        self.task = asyncio.get_running_loop().create_task(self._run(), context=contextvars.Context())

    def stop(self) -> None:
        if self.task is not None:
            self.task.cancel()

    async def _run(self) -> None:
        while True:
            try:
                presence = await database_sync_to_async(read_presence)(self.session_id)
            except asyncio.CancelledError:
                raise
            except Exception:  # the database may be away for a moment: try again next time
                logger.exception("presence of session %s could not be read", self.session_id)
                presence = None
            if presence is not None:
                self.update(presence)
                for connection in tuple(self.connections):
                    self.offer(connection)
            await asyncio.sleep(INTERVAL_SECONDS or 2.0)

    def update(self, presence) -> None:
        """Make this tick's frames; a frame whose text has not changed stays the same object."""
        count = len(presence.participants)
        full = encode({"type": "presence", "count": count, "participants": presence.participants})
        if self.full is None or self.full.text != full:
            self.full = Outgoing(full)
        limited = encode({"type": "presence", "count": count, "participants": presence.organisers})
        if self.limited is None or self.limited.text != limited:
            self.limited = Outgoing(limited)
        self.meeting = presence.room_type == "meeting"

    def frame_for(self, connection: Connection) -> Outgoing | None:
        viewer = connection.viewer
        if viewer.is_moderator or (viewer.is_admitted and self.meeting):
            return self.full
        return self.limited

    def offer(self, connection: Connection) -> None:
        """Send ``connection`` the frame meant for it, unless it has that one already."""
        frame = self.frame_for(connection)
        if frame is not None and connection.presence is not frame:
            connection.presence = frame
            connection.deliver(None, frame)
