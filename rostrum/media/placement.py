"""Which SFU node holds a session's media: the origin room placed by load, edge rooms once the
audience outgrows a node. The one place that answers "which node"; ``rostrum.media.cascade``
relays the feeds to the edges.

These run in the database thread, in the acting participant's transaction, like every live
handler. Every app process reads the same rows (``MediaNodeRoom``, ``MediaSubscription``), so they
agree: the first process that needs a session's origin records it (a unique constraint settles a
tie), and a session's subscriber placements are serialised by locking its origin row.

- A node's **load** is its live subscriptions (all sessions'), then its live rooms.
- A node is **down** for ``NODE_DOWN_SECONDS`` after a process could not reach it (kept in the
  cache, which the processes share when Redis is configured): new rooms avoid it.
- The **origin** goes to the least-loaded node that is up; if that node goes down before anything
  is published in the session, the session is placed again.
- A **subscriber** goes to the first of the session's rooms (origin, then edges, oldest first)
  whose node serves fewer than ``MEDIA_NODE_CAPACITY`` subscriptions; else to a new edge on the
  least-loaded node that is up and has room; when every node is full, to the session's least
  loaded room (overloaded rather than refused).
"""

from django.conf import settings
from django.core.cache import cache
from django.db import IntegrityError, transaction
from django.db.models import Count
from django.utils import timezone

from rostrum.media.models import MediaNodeRoom, MediaSubscription, Publication

NODE_DOWN_SECONDS = 30


def _down_key(node: str) -> str:
    return f"media:node-down:{node}"


def mark_node_down(node: str) -> None:
    cache.set(_down_key(node), True, NODE_DOWN_SECONDS)


def mark_node_up(node: str) -> None:
    cache.delete(_down_key(node))


def nodes_up() -> list[str]:
    """The configured nodes not known to be down; all of them if every one is (try rather than refuse)."""
    nodes = list(settings.MEDIA_NODES)
    down = cache.get_many([_down_key(node) for node in nodes])
    return [node for node in nodes if _down_key(node) not in down] or nodes


def node_loads() -> dict[str, tuple[int, int]]:
    """Each node's (live subscriptions, live rooms), over every session."""
    live = MediaSubscription.objects.filter(ended_at=None, room__ended_at=None).order_by()
    subscriptions = dict(live.values("room__node").annotate(count=Count("id")).values_list("room__node", "count"))
    rooms_live = MediaNodeRoom.objects.filter(ended_at=None).order_by()
    rooms = dict(rooms_live.values("node").annotate(count=Count("id")).values_list("node", "count"))
    nodes = set(settings.MEDIA_NODES) | set(subscriptions) | set(rooms)
    return {node: (subscriptions.get(node, 0), rooms.get(node, 0)) for node in nodes}


def least_loaded(candidates: list[str], loads: dict[str, tuple[int, int]]) -> str | None:
    """The least-loaded of ``candidates``; ties go to the one listed first in ``MEDIA_NODES``."""
    order = {node: index for index, node in enumerate(settings.MEDIA_NODES)}
    ranked = sorted(candidates, key=lambda node: (loads.get(node, (0, 0)), order.get(node, len(order))))
    return ranked[0] if ranked else None


def _live_rooms(session):
    return MediaNodeRoom.objects.filter(session=session, ended_at=None)


def end_rooms(session) -> list[str]:
    """The session's media ended (or is placed again): its rooms and subscriptions end; their nodes."""
    now = timezone.now()
    rooms = _live_rooms(session)
    nodes = list(rooms.values_list("node", flat=True))
    MediaSubscription.objects.filter(room__in=rooms, ended_at=None).update(ended_at=now)
    rooms.update(ended_at=now)
    return nodes


def origin_room(session) -> MediaNodeRoom:
    """The session's origin room, placed now on the least-loaded node that is up if it has none.

    An ended session is never placed (a row made then would count as load for good): its last
    origin, or an unsaved one on the first node if it never had media, names where it was.
    """
    if session.ended_at is not None:
        last = MediaNodeRoom.objects.filter(session=session, is_origin=True).order_by("-created_at", "-pk").first()
        return last or MediaNodeRoom(session=session, node=settings.MEDIA_NODES[0], is_origin=True)
    origin = _live_rooms(session).filter(is_origin=True).first()
    if origin is not None:
        has_feeds = Publication.objects.filter(session=session, ended_at=None).exists()
        if origin.node in nodes_up() or has_feeds:
            return origin
        end_rooms(session)  # its node went down before anything was published there: place it again
    node = least_loaded(nodes_up(), node_loads())
    try:
        with transaction.atomic():
            return MediaNodeRoom.objects.create(session=session, node=node, is_origin=True)
    except IntegrityError:  # another process placed it first
        return _live_rooms(session).get(is_origin=True)


def edge_nodes(session) -> tuple[str, ...]:
    """The nodes of the session's live edge rooms, oldest first."""
    return tuple(_live_rooms(session).filter(is_origin=False).values_list("node", flat=True))


def place_subscriber(session, participant) -> MediaSubscription:
    """Record a new subscriber connection in the room it should use (creating an edge if needed)."""
    origin = origin_room(session)
    MediaNodeRoom.objects.select_for_update().filter(pk=origin.pk).first()  # one placement at a time per session
    rooms = sorted(_live_rooms(session), key=lambda room: (not room.is_origin, room.created_at, room.pk))
    loads, up, capacity = node_loads(), nodes_up(), settings.MEDIA_NODE_CAPACITY
    room = next((r for r in rooms if (r.is_origin or r.node in up) and loads[r.node][0] < capacity), None)
    if room is None:
        used = {r.node for r in rooms}
        node = least_loaded([n for n in up if n not in used and loads[n][0] < capacity], loads)
        if node is not None:
            room = MediaNodeRoom.objects.create(session=session, node=node)
        else:
            room = min(rooms, key=lambda r: loads[r.node])
    return MediaSubscription.objects.create(room=room, participant=participant)


def do_place_subscriber(context) -> tuple[str, int]:
    """The node the acting participant's new subscriber connection uses, and its subscription's id."""
    subscription = place_subscriber(context.session, context.participant)
    return subscription.room.node, subscription.pk


def do_end_subscription(context, subscription_id: int) -> None:
    MediaSubscription.objects.filter(pk=subscription_id, participant=context.participant, ended_at=None).update(
        ended_at=timezone.now()
    )


def relayed_feeds(context, feed_ids: list[int] | None = None) -> list[dict]:
    """What an edge is told of the session's live feeds (all, or those of ``feed_ids``)."""
    publications = Publication.objects.filter(session=context.session, ended_at=None).select_related("participant")
    if feed_ids is not None:
        publications = publications.filter(feed_id__in=feed_ids)
    return [
        {"publication": p.pk, "feed_id": p.feed_id, "display": p.participant.display_name, "streams": p.streams}
        for p in publications
        if p.streams
    ]
