"""YouTube links: the 11-character video id from the usual link forms, and nothing else.

Accepted: ``https://www.youtube.com/watch?v=ID``, ``https://youtu.be/ID``,
``https://www.youtube.com/embed/ID``, ``https://www.youtube.com/shorts/ID`` (``m.`` and
``youtube-nocookie.com`` too). Any other scheme or host, or an id with other characters, is refused:
the id is all the browser is given, and it builds the embed address itself.
"""

import re
from urllib.parse import parse_qs, urlsplit

from django.utils.translation import gettext as _

from rostrum.live.errors import LiveError

VIDEO_ID = re.compile(r"^[A-Za-z0-9_-]{11}$")
LONG_HOSTS = {"youtube.com", "www.youtube.com", "m.youtube.com", "youtube-nocookie.com", "www.youtube-nocookie.com"}
SHORT_HOSTS = {"youtu.be", "www.youtu.be"}
PATH_PREFIXES = ("/embed/", "/shorts/", "/live/")


def _candidate(url: str) -> str | None:
    try:
        parts = urlsplit(url.strip())
        host = (parts.hostname or "").lower()
        port = parts.port
    except ValueError:
        return None
    if parts.scheme not in ("http", "https") or port not in (None, 80, 443) or parts.username or parts.password:
        return None
    if host in SHORT_HOSTS:
        return parts.path.removeprefix("/").removesuffix("/")
    if host not in LONG_HOSTS:
        return None
    if parts.path.rstrip("/") == "/watch":
        values = parse_qs(parts.query).get("v", [])
        return values[0] if len(values) == 1 else None
    for prefix in PATH_PREFIXES:
        if parts.path.startswith(prefix):
            return parts.path.removeprefix(prefix).removesuffix("/")
    return None


def parse_youtube_id(url: str) -> str:
    """The video id of a YouTube link, or ``LiveError("invalid")`` saying which links work."""
    candidate = _candidate(url) if isinstance(url, str) and len(url) <= 500 else None
    if candidate is None or not VIDEO_ID.match(candidate):
        raise LiveError(
            "invalid",
            _(
                "This is not a YouTube video link. Paste a link such as https://www.youtube.com/watch?v=… "
                "or https://youtu.be/…"
            ),
        )
    return candidate


def embed_url(video_id: str, start: int = 0) -> str:
    """What the room's iframe shows (the browser builds the same; the tests read this one)."""
    return f"https://www.youtube-nocookie.com/embed/{video_id}?enablejsapi=1&start={max(0, int(start))}"
