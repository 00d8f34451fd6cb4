"""An in-memory ``MediaBackend`` for unit tests of the live protocol (integration tests use Janus).

It keeps the rooms, publishers and subscribers it was told about, answers with placeholder SDP,
records every call in ``calls`` and raises ``MediaError`` from any call named in ``failing``.
"""

from rostrum.media.backend import Handle, MediaError, MediaRoom, NodeHealth

FAKE_SDP = "v=0\r\no=- 0 0 IN IP4 127.0.0.1\r\ns=fake\r\nt=0 0\r\n"


class FakeBackend:
    def __init__(self):
        self.calls: list[tuple] = []
        self.failing: set[str] = set()
        self.rooms: dict[int, MediaRoom] = {}
        self.publishers: dict[tuple[int, int], Handle] = {}  # (room, feed) -> handle
        self.muted: dict[tuple[int, int], set[str]] = {}  # (room, feed) -> mids muted
        self.relays: dict[tuple[str, int], str] = {}  # (edge node, feed) -> origin node
        self.subscribers: list[Handle] = []  # in the order made; ``state["video"]``: the quality set

    def _call(self, name: str, *args) -> None:
        self.calls.append((name, *args))
        if name in self.failing:
            raise MediaError("unavailable", f"{name} failed (told to)")

    def called(self, name: str) -> list[tuple]:
        return [call[1:] for call in self.calls if call[0] == name]

    async def publish(self, room, feed_id, display, offer):
        self._call("publish", room.room_id, feed_id, display)
        key = (room.room_id, feed_id)
        if key in self.publishers:
            raise MediaError("feed_exists", f"feed {feed_id} is in room {room.room_id} already")
        self.rooms[room.room_id] = room
        handle = Handle(room=room, role="publisher", feed_id=feed_id)
        self.publishers[key] = handle
        handle.streams = [{"type": "video", "mindex": 0, "mid": "0", "codec": "vp8"}]
        return handle, {"type": "answer", "sdp": FAKE_SDP}

    async def subscribe(self, room, feeds):
        self._call("subscribe", room.room_id, tuple(feeds))
        self._require_feeds(room, feeds)
        handle = Handle(room=room, role="subscriber", feeds=tuple(feeds))
        handle.streams = self._streams(feeds)
        self.subscribers.append(handle)
        return handle, {"type": "offer", "sdp": FAKE_SDP}

    async def update(self, handle, add, remove):
        self._call("update", tuple(add), tuple(remove))
        self._require_feeds(handle.room, add)
        handle.feeds = tuple(sorted((set(handle.feeds) | set(add)) - set(remove)))
        handle.streams = self._streams(handle.feeds)
        return {"type": "offer", "sdp": FAKE_SDP}

    async def start(self, handle, answer):
        self._call("start", handle.feeds)

    async def trickle(self, handle, candidate):
        self._call("trickle", handle.role, candidate)

    async def set_receive_quality(self, handle, video):
        self._call("set_receive_quality", handle.feeds, video)
        handle.state["video"] = video

    async def hang_up(self, handle):
        self.calls.append(("hang_up", handle.role, handle.feed_id))
        if handle.role == "publisher":
            self.publishers.pop((handle.room.room_id, handle.feed_id), None)

    async def moderate(self, room, feed_id, mids, muted):
        self._call("moderate", room.room_id, feed_id, tuple(mids), muted)
        muted_mids = self.muted.setdefault((room.room_id, feed_id), set())
        muted_mids.update(mids) if muted else muted_mids.difference_update(mids)

    async def kick(self, room, feed_id):
        self._call("kick", room.room_id, feed_id)
        self.publishers.pop((room.room_id, feed_id), None)

    async def record(self, room, record, rec_dir=""):
        self._call("record", room.room_id, record, rec_dir)
        self.rooms[room.room_id] = room

    async def destroy_room(self, room):
        self.calls.append(("destroy_room", room.room_id))
        self.rooms.pop(room.room_id, None)
        for key in [key for key in self.publishers if key[0] == room.room_id]:
            del self.publishers[key]

    async def relay_feed(self, origin, edge, feed_id, display, streams):
        self._call("relay_feed", origin.node, edge.node, feed_id)
        if (edge.node, feed_id) in self.relays:
            return False
        self.relays[(edge.node, feed_id)] = origin.node
        return True

    async def unrelay_feed(self, origin, edge, feed_id):
        self.calls.append(("unrelay_feed", origin.node, edge.node, feed_id))
        self.relays.pop((edge.node, feed_id), None)

    async def health(self):
        return [NodeHealth(node="fake", ok="health" not in self.failing, detail="in memory")]

    async def close(self):
        pass

    def _require_feeds(self, room, feeds) -> None:
        for feed_id in feeds:
            if (room.room_id, feed_id) not in self.publishers:
                raise MediaError("no_such_feed", f"feed {feed_id} is not published")

    @staticmethod
    def _streams(feeds) -> list[dict]:
        streams = []
        for feed_id in sorted(feeds):
            for kind in ("audio", "video"):
                streams.append({"mid": str(len(streams)), "feed_id": feed_id, "type": kind})
        return streams
