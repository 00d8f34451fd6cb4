"""One socket's media: its publisher and subscriber handles on the SFU, and the frames that drive them.

The browser never talks to the SFU. It sends its offer, answer and ICE candidates over the room's
WebSocket; each is authorised in the database (``rostrum.media.actions``) and only then relayed.
A connection gets a ``MediaPeer`` on its first media frame; closing the socket hangs up its handles
and ends what it published.
"""

import logging
from collections.abc import Awaitable, Callable

from django.utils.translation import gettext as _

from rostrum.live.errors import LiveError
from rostrum.media import actions
from rostrum.media.backend import Handle, MediaError, MediaRoom

logger = logging.getLogger(__name__)

# ``call(function, *args)`` runs ``function(context, *args)`` in the database thread, in a
# transaction, with the connection's participant as the LiveContext (as every live handler runs).
ContextCall = Callable[..., Awaitable]


def backend():
    from rostrum.media.registry import get_backend

    return get_backend()


def media_room(plan: actions.RoomPlan) -> MediaRoom:
    from rostrum.media.rooms import media_room_for

    return media_room_for(plan.session_id, plan.room_type, plan.max_publishers)


def unavailable(error: MediaError) -> LiveError:
    logger.warning("media server refused or unreachable: %s %s", error.code, error.message)
    return LiveError("media_unavailable", _("Audio and video are not available right now. Try again in a moment."))


class MediaPeer:
    def __init__(self, call: ContextCall):
        self.call = call
        self.publishers: dict[str, Handle] = {}  # kind -> handle
        self.subscriber: Handle | None = None

    async def publish(self, kind: str, offer: dict) -> dict:
        plan = await self.call(actions.check_publish, kind, offer["sdp"])
        room = media_room(plan.room)
        await self._drop_publisher(kind)
        for feed_id in plan.replaces:  # the same person's feed from another tab or a lost socket
            await quietly(backend().kick(room, feed_id))
        try:
            handle, answer = await backend().publish(room, plan.feed_id, plan.display, offer)
        except MediaError as error:
            raise unavailable(error) from None
        try:
            blocks = await self.call(actions.blocks_of)
            for media_kind, blocked in blocks.items():
                mids = plan.mids.get(media_kind, [])
                if blocked and kind == "camera" and mids:  # an organiser's mute outlives a new publish
                    await backend().moderate(room, plan.feed_id, mids, True)
            feed = await self.call(actions.do_record_publication, kind, plan.feed_id, plan.audio, plan.video, plan.mids)
        except (LiveError, MediaError) as error:
            await quietly(backend().hang_up(handle))
            raise unavailable(error) if isinstance(error, MediaError) else error from None
        self.publishers[kind] = handle
        return {"jsep": answer, "feed": feed}

    async def unpublish(self, kind: str) -> dict:
        await self._drop_publisher(kind)
        await self.call(actions.do_end_own_publication, kind)
        return {}

    async def subscribe(self, feeds: list[int]) -> dict:
        """Receive exactly ``feeds`` (the whole wanted set); the SFU's offer when it changed."""
        wanted = sorted(set(feeds))
        if not wanted:
            await self._drop_subscriber()
            return {"jsep": None, "streams": []}
        plan = await self.call(actions.check_subscribe, wanted)
        try:
            if self.subscriber is None:
                self.subscriber, offer = await backend().subscribe(media_room(plan), wanted)
            else:
                current = set(self.subscriber.feeds)
                add, remove = sorted(set(wanted) - current), sorted(current - set(wanted))
                offer = await backend().update(self.subscriber, add, remove) if add or remove else None
        except MediaError as error:
            await self._drop_subscriber()
            raise unavailable(error) from None
        return {"jsep": offer, "streams": self.subscriber.streams}

    async def answer(self, answer: dict) -> dict:
        if self.subscriber is None:
            raise LiveError("invalid", _("There is no offer to answer."))
        try:
            await backend().start(self.subscriber, answer)
        except MediaError as error:
            raise unavailable(error) from None
        return {}

    async def trickle(self, target: str, candidate: dict | None) -> dict:
        handle = self.subscriber if target == "subscriber" else self.publishers.get(target)
        if handle is None:
            raise LiveError("not_found", _("There is no such connection to add a candidate to."))
        try:
            await backend().trickle(handle, candidate)
        except MediaError as error:
            raise unavailable(error) from None
        return {}

    async def set_floor(self, participant_id: int, floor: str) -> dict:
        plan, kicked = await self.call(actions.check_set_floor, participant_id, floor)
        room = media_room(plan)
        for feed_id in kicked:  # enforced in the SFU, not only in their browser
            await quietly(backend().kick(room, feed_id))
        return {}

    async def block(self, participant_id: int, kind: str, blocked: bool) -> dict:
        plan, feed_id, mids = await self.call(actions.check_block, participant_id, kind, blocked)
        if feed_id is not None and mids:
            try:
                await backend().moderate(media_room(plan), feed_id, mids, blocked)
            except MediaError as error:
                raise unavailable(error) from None
        return {}

    async def end_session(self) -> None:
        plan = await self.call(actions.do_end_session_media)
        if plan is not None:
            await quietly(backend().destroy_room(media_room(plan)))

    async def close(self) -> None:
        """The socket closed: hang up, and end what this socket published."""
        kinds = list(self.publishers)
        for kind in kinds:
            await self._drop_publisher(kind)
        await self._drop_subscriber()
        for kind in kinds:
            await quietly(self.call(actions.do_end_own_publication, kind))

    async def _drop_publisher(self, kind: str) -> None:
        handle = self.publishers.pop(kind, None)
        if handle is not None:
            await quietly(backend().hang_up(handle))

    async def _drop_subscriber(self) -> None:
        handle, self.subscriber = self.subscriber, None
        if handle is not None:
            await quietly(backend().hang_up(handle))


async def quietly(awaitable) -> None:
    """Clean-up that must not stop the rest: failures are logged."""
    try:
        await awaitable
    except Exception:
        logger.exception("media clean-up failed")
