"""The media plane as the rest of Rostrum sees it: a small typed interface, whatever SFU is behind it.

Browsers never talk to the SFU. The live room relays their JSEP offers, answers and trickle
candidates through this interface, and decides first who may publish. ``rostrum.media.janus``
implements it against Janus's VideoRoom; ``rostrum.media.fake`` is an in-memory stand-in for unit
tests of the live protocol (integration tests use a real Janus).

Names:

- A **media room** is one live session's room on one SFU node (``MediaRoom``): its numeric id and the
  secret that only the app knows. It is created on first use and destroyed when the session ends.
- A **feed** is one published stream bundle (a participant's camera and microphone, or their
  screen), numbered by ``feed_id`` (see ``rostrum.media.feeds``).
- A **handle** is one peer connection's place on the SFU: a publisher's (one feed) or a subscriber's
  (any number of feeds on one connection).

Every call may raise ``MediaError``; the live room turns it into an ``error`` frame.
"""

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Literal, Protocol

Jsep = dict  # {"type": "offer"|"answer", "sdp": "..."}: passed through, validated by the live schema
Candidate = dict | None  # {"candidate", "sdpMid", "sdpMLineIndex"}; None: gathering completed


class MediaError(Exception):
    """The SFU refused or could not be reached. ``code`` is short and stable; ``message`` is for logs."""

    def __init__(self, code: str, message: str = "", node: str = ""):
        super().__init__(message or code)
        self.code = code
        self.message = message or code
        self.node = node  # the node that could not be reached, when that is the trouble


@dataclass(frozen=True)
class MediaRoom:
    room_id: int  # the SFU's room number
    secret: str  # never leaves the server
    node: str  # which SFU node (its control URL) holds the room
    max_publishers: int = 8
    description: str = ""


@dataclass(eq=False)
class Handle:
    """One peer connection's handle on a node; the backend's own fields live in ``state``."""

    room: MediaRoom
    role: Literal["publisher", "subscriber"]
    feed_id: int | None = None  # the publisher's feed
    feeds: tuple[int, ...] = ()  # the subscriber's feeds
    # A subscriber's streams as the SFU numbers them in its offer: [{"mid", "feed_id", "type"}],
    # so the browser knows whose track arrives on which transceiver. Kept current by subscribe/update.
    # A publisher's: what the SFU receives ([{"type", "mindex", "mid", "codec"}]), set by publish.
    streams: list[dict] = field(default_factory=list)
    state: dict = field(default_factory=dict)
    # Called (from the event loop) when the SFU reports on this handle: "webrtcup", "hangup",
    # "media" ({"type": kind, "receiving": bool}), "slowlink". Optional.
    on_event: Callable[[str, dict], None] | None = None


@dataclass(frozen=True)
class NodeHealth:
    node: str
    ok: bool
    detail: str  # e.g. "Janus 1.1.2, 3 sessions" or the error


class MediaBackend(Protocol):
    async def publish(self, room: MediaRoom, feed_id: int, display: str, offer: Jsep) -> tuple[Handle, Jsep]:
        """Create the room if needed, join it as publisher ``feed_id`` and publish; the SDP answer."""

    async def subscribe(self, room: MediaRoom, feeds: list[int]) -> tuple[Handle, Jsep]:
        """A subscriber handle carrying ``feeds``; the SFU's SDP offer (the browser answers with ``start``)."""

    async def update(self, handle: Handle, add: list[int], remove: list[int]) -> Jsep | None:
        """Change a subscriber's feeds; the new offer, or None when no renegotiation is needed."""

    async def start(self, handle: Handle, answer: Jsep) -> None:
        """The browser's answer to the subscriber offer."""

    async def trickle(self, handle: Handle, candidate: Candidate) -> None: ...

    async def set_receive_quality(self, handle: Handle, video: str) -> None:
        """What a subscriber handle receives of its video streams, now and after ``update``s (the
        caller applies it again then): ``"high"`` or ``"low"`` (the simulcast layer, when the
        publisher sends several; one layer is sent as it is), or ``"off"`` (no video at all, the
        SFU stops sending it: audio only). Audio is never touched."""

    async def hang_up(self, handle: Handle) -> None:
        """Leave and free the handle (unpublish, or stop subscribing). Never raises for a gone handle."""

    async def moderate(self, room: MediaRoom, feed_id: int, mids: list[str], muted: bool) -> None:
        """Mute or unmute streams of a feed (by their m-line ids) in the SFU: subscribers get
        nothing from them while muted, whatever the publisher's browser does."""

    async def kick(self, room: MediaRoom, feed_id: int) -> None:
        """Remove a publisher from the room (the floor taken back): its handle stops publishing."""

    async def record(self, room: MediaRoom, record: bool, rec_dir: str = "") -> None:
        """Record every publisher of the room, now and later, as files under ``rec_dir`` (a folder
        on the node: one ``.mjr`` per stream), or stop (``record=False``)."""

    async def destroy_room(self, room: MediaRoom) -> None:
        """End the room (the session ended); everyone in it is dropped. Never raises for a gone room."""

    async def relay_feed(self, origin: MediaRoom, edge: MediaRoom, feed_id: int, display: str, streams: list) -> bool:
        """Relay feed ``feed_id`` published in ``origin`` into ``edge`` (a room on another node), where it
        is subscribed to under the same id; ``streams`` as the SFU described them when it was
        published. False when it was relayed there already."""

    async def unrelay_feed(self, origin: MediaRoom, edge: MediaRoom, feed_id: int) -> None:
        """Stop relaying the feed to ``edge`` and remove it there. Never raises for a gone feed or room."""

    async def health(self) -> list[NodeHealth]: ...

    async def close(self) -> None:
        """Close the control connections (process shutdown)."""
