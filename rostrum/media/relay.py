"""One socket's media: its publisher and subscriber handles on the SFU, and the frames that drive them.

The browser never talks to the SFU. It sends its offer, answer and ICE candidates over the room's
WebSocket; each is authorised in the database (``rostrum.media.actions``) and only then relayed.
A connection gets a ``MediaPeer`` on its first media frame; closing the socket hangs up its handles
and ends what it published.
"""

import asyncio
import logging
from collections.abc import Awaitable, Callable

from django.utils.translation import gettext as _

from rostrum.live.errors import LiveError
from rostrum.media import actions, cascade, placement
from rostrum.media.backend import Handle, MediaError, MediaRoom
from rostrum.media.quality import ReceiveQuality

logger = logging.getLogger(__name__)

# ``call(function, *args)`` runs ``function(context, *args)`` in the database thread, in a
# transaction, with the connection's participant as the LiveContext (as every live handler runs).
ContextCall = Callable[..., Awaitable]
# ``notify(frame)`` sends an unsequenced frame to this socket only (the quality lowered by the server).
Notify = Callable[[dict], None]


def backend():
    from rostrum.media.registry import get_backend

    return get_backend()


def media_room(plan: actions.RoomPlan) -> MediaRoom:
    from rostrum.media.rooms import media_room_for

    return media_room_for(plan.session_id, plan.room_type, plan.max_publishers, plan.node)


def unavailable(error: MediaError) -> LiveError:
    logger.warning("media server refused or unreachable: %s %s", error.code, error.message)
    if error.code == "unreachable" and error.node:
        placement.mark_node_down(error.node)  # new rooms avoid it for a while
    return LiveError("media_unavailable", _("Audio and video are not available right now. Try again in a moment."))


class MediaPeer:
    def __init__(self, call: ContextCall, notify: Notify | None = None):
        self.call = call
        self.notify = notify or (lambda frame: None)
        self.publishers: dict[str, Handle] = {}  # kind -> handle
        self.subscriber: Handle | None = None
        self.subscription_id: int | None = None  # its row: what the node's load is counted from
        self.relaying: dict[str, asyncio.Task] = {}  # kind -> its feed being relayed to the edges
        self.quality = ReceiveQuality()  # what this socket's subscription receives, across re-subscriptions
        self.tasks: set[asyncio.Task] = set()

    async def publish(self, kind: str, offer: dict) -> dict:
        plan = await self.call(actions.check_publish, kind, offer["sdp"])
        room = media_room(plan.room)
        republished = kind in self.publishers or bool(plan.replaces)
        await self._drop_publisher(kind)
        for feed_id in plan.replaces:  # the same person's feed from another tab or a lost socket
            await quietly(backend().kick(room, feed_id))
        if republished and plan.room.edges:  # the edges get the new publish under the same feed id
            await cascade.unrelay(plan.room, [plan.feed_id])
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
            feed = await self.call(
                actions.do_record_publication, kind, plan.feed_id, plan.audio, plan.video, plan.mids, handle.streams
            )
        except (LiveError, MediaError) as error:
            await quietly(backend().hang_up(handle))
            raise unavailable(error) if isinstance(error, MediaError) else error from None
        self.publishers[kind] = handle
        # To the edges, in the background: the relay waits until the browser's connection is up.
        self.relaying[kind] = self._in_background(cascade.relay_published(self.call, plan.room, plan.feed_id))
        return {"jsep": answer, "feed": feed}

    async def unpublish(self, kind: str) -> dict:
        await self._drop_publisher(kind)
        ended = await self.call(actions.do_end_own_publication, kind)
        await quietly(cascade.unrelay_ended(self.call, ended))
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
                room, self.subscription_id = await cascade.subscriber_room(self.call, plan, wanted)
                self.subscriber, offer = await backend().subscribe(room, wanted)
            else:
                current = set(self.subscriber.feeds)
                add, remove = sorted(set(wanted) - current), sorted(current - set(wanted))
                if add and self.subscriber.room.node != plan.node:  # an edge: relay what is not there yet
                    await cascade.relay_missing(self.call, plan, self.subscriber.room.node, add)
                offer = await backend().update(self.subscriber, add, remove) if add or remove else None
            await self._keep_quality()
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
        if kicked:
            await cascade.unrelay(plan, kicked)
        return {}

    async def block(self, participant_id: int, kind: str, blocked: bool) -> dict:
        plan, feed_id, mids = await self.call(actions.check_block, participant_id, kind, blocked)
        if feed_id is not None and mids:
            try:
                await backend().moderate(media_room(plan), feed_id, mids, blocked)
            except MediaError as error:
                raise unavailable(error) from None
            await cascade.moderate_edges(plan, feed_id, mids, blocked)
        return {}

    async def set_quality(self, video: str, allow_audio_only: bool) -> dict:
        """This socket's own subscription only: the video it receives, now and after re-subscribing."""
        await self.call(actions.check_media_room)
        if self.subscriber is not None:
            try:
                await backend().set_receive_quality(self.subscriber, video)
            except MediaError as error:
                raise unavailable(error) from None
        self.quality.choose(video, allow_audio_only)
        return {"video": video}

    async def _keep_quality(self) -> None:
        """A subscription made or changed: hear its reports; new feeds get the quality chosen."""
        self.subscriber.on_event = self._subscriber_event
        if not self.quality.is_default:
            await backend().set_receive_quality(self.subscriber, self.quality.video)

    def _subscriber_event(self, kind: str, message: dict) -> None:
        if kind == "slowlink":  # the SFU's packets to this browser get lost
            self._in_background(self._weak_connection())

    async def _weak_connection(self) -> None:
        """Step this subscription down one level and tell the browser, which may step back up later."""
        handle = self.subscriber
        lower = self.quality.step_down(asyncio.get_running_loop().time()) if handle else None
        if lower is None:
            return
        try:
            await backend().set_receive_quality(handle, lower)
        except MediaError as error:
            logger.warning("quality not lowered: %s %s", error.code, error.message)
            return
        self.notify({"type": "media.quality", "video": lower, "reason": "weak_connection"})

    async def end_session(self) -> None:
        plan = await self.call(actions.do_end_session_media)
        if plan is not None:
            await cascade.destroy(plan)  # the origin room and any edge rooms

    async def close(self) -> None:
        """The socket closed: hang up, and end what this socket published."""
        for task in list(self.tasks):
            task.cancel()
        kinds = list(self.publishers)
        for kind in kinds:
            await self._drop_publisher(kind)
        await self._drop_subscriber()
        for kind in kinds:
            await quietly(self._end_own_publication(kind))

    async def _end_own_publication(self, kind: str) -> None:
        await cascade.unrelay_ended(self.call, await self.call(actions.do_end_own_publication, kind))

    def _in_background(self, awaitable) -> asyncio.Task:
        task = asyncio.get_running_loop().create_task(quietly(awaitable))
        self.tasks.add(task)
        task.add_done_callback(self.tasks.discard)
        return task

    async def _drop_publisher(self, kind: str) -> None:
        relaying = self.relaying.pop(kind, None)
        if relaying is not None and not relaying.done():  # what it half made is unrelayed after this
            relaying.cancel()
            await asyncio.wait([relaying])
        handle = self.publishers.pop(kind, None)
        if handle is not None:
            await quietly(backend().hang_up(handle))

    async def _drop_subscriber(self) -> None:
        handle, self.subscriber = self.subscriber, None
        subscription_id, self.subscription_id = self.subscription_id, None
        if handle is not None:
            await quietly(backend().hang_up(handle))
        if subscription_id is not None:
            await quietly(self.call(placement.do_end_subscription, subscription_id))


async def quietly(awaitable) -> None:
    """Clean-up that must not stop the rest: failures are logged."""
    try:
        await awaitable
    except Exception:
        logger.exception("media clean-up failed")
