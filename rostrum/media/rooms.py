"""What a session's media room is called on the SFU (where it lives: ``rostrum.media.placement``)."""

import hashlib
import hmac

from django.conf import settings

from rostrum.media.backend import MediaRoom


def room_secret(room_id: int) -> str:
    """The room's secret on the SFU: derived from the server's key, never sent to a browser."""
    return hmac.new(settings.SECRET_KEY.encode(), f"janus-room:{room_id}".encode(), hashlib.sha256).hexdigest()


def media_room_for(session_id: int, room_type: str, max_publishers: int, node: str) -> MediaRoom:
    """The session's room on ``node``: one per live session and node, numbered by the session
    (``rostrum.media.placement`` says which node holds the origin and which the edges)."""
    return MediaRoom(
        room_id=session_id,
        secret=room_secret(session_id),
        node=node,
        max_publishers=max_publishers,
        description=f"{room_type} session {session_id}",
    )
