"""Where a session's media room lives and what it is called on the SFU."""

import hashlib
import hmac

from django.conf import settings

from rostrum.media.backend import MediaRoom


def room_secret(room_id: int) -> str:
    """The room's secret on the SFU: derived from the server's key, never sent to a browser."""
    return hmac.new(settings.SECRET_KEY.encode(), f"janus-room:{room_id}".encode(), hashlib.sha256).hexdigest()


def media_room_for(session_id: int, room_type: str, max_publishers: int) -> MediaRoom:
    """One room per live session, on the node the session's id picks among ``MEDIA_NODES``."""
    nodes = settings.MEDIA_NODES
    return MediaRoom(
        room_id=session_id,
        secret=room_secret(session_id),
        node=nodes[session_id % len(nodes)],
        max_publishers=max_publishers,
        description=f"{room_type} session {session_id}",
    )
