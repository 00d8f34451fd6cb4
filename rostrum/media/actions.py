"""Who may publish, subscribe and control media in a session; the database side of the media relay.

These run in the database thread inside the acting participant's transaction (``LiveContext``),
like every live handler. The SFU calls happen around them, in ``rostrum.media.relay``: first the
policy here says yes and names the feed, then the SFU is asked, then the publication is recorded.

Policy (the server's, whatever the browser shows):

- a **meeting**: every admitted participant may publish camera and microphone, up to the plan's
  attendees per room; organisers may share their screen;
- a **webinar**: organisers (host, presenters) publish camera, microphone and screen; an attendee
  publishes only with the floor an organiser gave (microphone, or microphone and camera), at most
  the plan's simultaneous presenters at once;
- one screen share at a time;
- what an organiser muted stays muted on the SFU (``moderate``) until an organiser lifts it, also
  across a new publish.
"""

from dataclasses import dataclass

from django.utils import timezone
from django.utils.translation import gettext as _

from rostrum.billing import entitlements
from rostrum.live import audiences
from rostrum.live.errors import LiveError
from rostrum.live.publish import publish_on_commit
from rostrum.media import placement
from rostrum.media.constants import FeedKind, Floor, feed_id_for
from rostrum.media.models import Publication
from rostrum.rooms.constants import ParticipantRole, RoomType
from rostrum.rooms.models import Participant
from rostrum.rooms.session_actions import access_participant_in_session, require_moderator

MAX_SDP_BYTES = 160 * 1024  # a browser's answer to a 40-person meeting (78 m-lines, ~1 KiB each) fits


@dataclass(frozen=True)
class RoomPlan:
    """What the relay needs to find the session's room on the SFU."""

    session_id: int
    room_type: str
    max_publishers: int
    node: str = ""  # the origin's node: where the session's feeds are published (rostrum.media.placement)
    edges: tuple[str, ...] = ()  # the nodes its feeds are relayed to for more subscribers


@dataclass(frozen=True)
class PublishPlan:
    room: RoomPlan
    feed_id: int
    display: str
    audio: bool
    video: bool
    mids: dict
    replaces: tuple[int, ...]  # feeds of the same person and kind to end first (another tab)


def room_plan(session) -> RoomPlan:
    account = session.room.account
    if session.room.room_type == RoomType.MEETING:
        publishers = entitlements.limit(account, "attendees_per_room")
    else:
        publishers = entitlements.limit(account, "simultaneous_presenters")
    origin = placement.origin_room(session)
    edges = placement.edge_nodes(session)
    return RoomPlan(session.pk, session.room.room_type, publishers + 1, origin.node, edges)  # +1: a screen share


def sdp_mids(sdp: str) -> dict[str, list[str]]:
    """The m-line ids an SDP offer sends, by kind: its ``m=audio`` / ``m=video`` sections with a port."""
    mids: dict[str, list[str]] = {}
    kind = None
    for line in sdp.splitlines():
        if line.startswith("m="):
            words = line[2:].split(" ")
            kind = words[0] if words[0] in ("audio", "video") and len(words) > 1 and words[1] != "0" else None
            if kind:
                mids.setdefault(kind, [])
        elif kind and line.startswith("a=mid:"):
            mids[kind].append(line[len("a=mid:") :].strip())
    return mids


def sdp_media(sdp: str) -> set[str]:
    """The kinds of media an SDP offer sends."""
    return set(sdp_mids(sdp))


def media_rights(participant: Participant, room_type: str) -> set[str]:
    """What ``participant`` may send from camera and microphone while the session is live."""
    if not participant.is_admitted or participant.is_expelled:
        return set()
    if participant.is_organiser or room_type == RoomType.MEETING:
        return {"audio", "video"}
    return {Floor.AUDIO: {"audio"}, Floor.AUDIO_VIDEO: {"audio", "video"}}.get(participant.media_floor, set())


def allowed_media(participant: Participant, session) -> set[str]:
    """What ``participant`` may send now."""
    if session.started_at is None or session.ended_at is not None:
        return set()
    return media_rights(participant, session.room.room_type)


def require_live(context) -> None:
    session = context.session
    if session.ended_at is not None:
        raise LiveError("session_ended", _("The session has ended."))
    if session.started_at is None:
        raise LiveError("not_started", _("The session has not started yet."))
    if not context.participant.is_admitted:
        raise LiveError("not_admitted", _("You can do this once you are let in."))


def live_publications(session):
    return Publication.objects.filter(session=session, ended_at=None)


def check_publish(context, kind: str, sdp: str) -> PublishPlan:
    require_live(context)
    participant, session = context.participant, context.session
    sent = sdp_media(sdp)
    if not sent:
        raise LiveError("invalid", _("The offer sends neither audio nor video."))
    if kind == FeedKind.SCREEN:
        if not participant.is_organiser:
            raise LiveError("not_allowed", _("Only the organisers can share a screen."))
        if "video" not in sent:
            raise LiveError("invalid", _("A screen share sends video."))
        others = live_publications(session).filter(kind=FeedKind.SCREEN).exclude(participant=participant)
        if others.exists() and not session.allows_several_screens:
            raise LiveError("screen_busy", _("Someone else is sharing a screen. Ask them to stop first."))
    else:
        allowed = allowed_media(participant, session)
        if not allowed:
            raise LiveError("not_allowed", _("You do not have the floor. Raise your hand to ask for it."))
        if not sent <= allowed:
            raise LiveError("not_allowed", _("You may use your microphone only, not your camera."))
        cameras = live_publications(session).filter(kind=FeedKind.CAMERA).exclude(participant=participant)
        limit = room_plan(session).max_publishers - 1
        if cameras.count() >= limit:
            raise LiveError(
                "publisher_limit", _("%(count)d people are on camera or microphone already.") % {"count": limit}
            )
    own = live_publications(session).filter(participant=participant, kind=kind)
    return PublishPlan(
        room=room_plan(session),
        feed_id=feed_id_for(participant.pk, kind),
        display=participant.display_name,
        audio="audio" in sent,
        video="video" in sent,
        mids=sdp_mids(sdp),
        replaces=tuple(own.values_list("feed_id", flat=True)),
    )


def feed_data(publication: Publication) -> dict:
    participant = publication.participant
    return {
        "feed_id": publication.feed_id,
        "participant_id": participant.pk,
        "name": participant.display_name,
        "role": participant.role,
        "kind": publication.kind,
        "audio": publication.has_audio,
        "video": publication.has_video,
        "mic_blocked": participant.mic_blocked,
        "camera_blocked": participant.camera_blocked,
    }


def end_publications(session, publications) -> list[int]:
    """End these live publications and tell everyone; the ended feeds."""
    ended = list(publications.filter(ended_at=None).values_list("feed_id", flat=True))
    if ended:
        publications.filter(ended_at=None).update(ended_at=timezone.now())
        for feed_id in ended:
            publish_on_commit(session, "media.unpublished", {"feed_id": feed_id}, audiences.everyone())
    return ended


def do_record_publication(
    context, kind: str, feed_id: int, audio: bool, video: bool, mids: dict, streams: list | None = None
) -> dict:
    """The SFU took the feed: record it and tell everyone. Checked again: the floor may be gone.
    ``streams``: the SFU's description of them, for relaying the feed to edge nodes."""
    participant, session = context.participant, context.session
    if kind == FeedKind.CAMERA:
        wanted = {name for name, on in (("audio", audio), ("video", video)) if on}
        if not wanted <= allowed_media(participant, session):
            raise LiveError("not_allowed", _("You do not have the floor any more."))
    end_publications(session, live_publications(session).filter(participant=participant, kind=kind))
    publication = Publication.objects.create(
        session=session,
        participant=participant,
        kind=kind,
        feed_id=feed_id,
        has_audio=audio,
        has_video=video,
        mids=mids,
        streams=streams or [],
    )
    data = feed_data(publication)
    publish_on_commit(session, "media.published", data, audiences.everyone())
    return data


def do_end_own_publication(context, kind: str) -> list[int]:
    publications = live_publications(context.session).filter(participant=context.participant, kind=kind)
    return end_publications(context.session, publications)


def do_end_feeds(context, feed_ids: list[int]) -> list[int]:
    """End the acting participant's feeds among ``feed_ids`` (a socket closed with them live)."""
    publications = live_publications(context.session).filter(participant=context.participant, feed_id__in=feed_ids)
    return end_publications(context.session, publications)


def check_subscribe(context, feeds: list[int]) -> RoomPlan:
    require_live(context)
    live = set(live_publications(context.session).filter(feed_id__in=feeds).values_list("feed_id", flat=True))
    missing = sorted(set(feeds) - live)
    if missing:
        raise LiveError("not_found", _("These feeds are not live in this session: %(feeds)s") % {"feeds": missing})
    return room_plan(context.session)


def check_media_room(context) -> RoomPlan:
    require_live(context)
    return room_plan(context.session)


def current_room_plan(context) -> RoomPlan:
    """Where the session's media is now, live or not (to unrelay feeds that just ended)."""
    return room_plan(context.session)


def floor_data(participant: Participant) -> dict:
    return {"id": participant.pk, "name": participant.display_name, "floor": participant.media_floor}


def check_set_floor(context, participant_id: int, floor: str) -> tuple[RoomPlan, list[int]]:
    """An organiser gives a webinar attendee the floor, or takes it back (``floor == ""``).

    Taking it back ends their camera feed; the relay then kicks it from the SFU. Returns the room
    and the feeds to kick.
    """
    require_moderator(context)
    require_live(context)
    if context.session.room.room_type != RoomType.WEBINAR:
        raise LiveError("invalid", _("In a meeting everyone may speak; there is no floor to give."))
    target = access_participant_in_session(context, participant_id)
    if target.role != ParticipantRole.ATTENDEE or not target.is_admitted or target.is_expelled:
        raise LiveError("invalid", _("The floor is given to attendees in the room."))
    target.media_floor = floor
    changed = {"media_floor"}
    if floor and target.hand_raised_at is not None:
        from rostrum.engagement.actions.hands import do_lower_hand

        do_lower_hand(context.session, target)  # their question is being answered
    target.save(update_fields=sorted(changed))
    publish_on_commit(context.session, "floor.changed", floor_data(target), audiences.moderators(target.pk))
    kicked = []
    if not floor:
        cameras = live_publications(context.session).filter(participant=target, kind=FeedKind.CAMERA)
        kicked = end_publications(context.session, cameras)
    elif floor == Floor.AUDIO:
        cameras = live_publications(context.session).filter(participant=target, kind=FeedKind.CAMERA, has_video=True)
        kicked = end_publications(context.session, cameras)  # they publish again, microphone only
    return room_plan(context.session), kicked


def check_block(context, participant_id: int, kind: str, blocked: bool) -> tuple[RoomPlan, int | None, list[str]]:
    """An organiser mutes (or unmutes) someone's microphone or camera on the SFU.

    Returns the room, and the live camera feed to moderate now with the mids of that kind, if any.
    """
    require_moderator(context)
    require_live(context)
    target = access_participant_in_session(context, participant_id)
    if target.role == ParticipantRole.HOST and context.participant.role != ParticipantRole.HOST:
        raise LiveError("not_allowed", _("Only the host mutes the host."))
    field = "mic_blocked" if kind == "audio" else "camera_blocked"
    setattr(target, field, blocked)
    target.save(update_fields=[field])
    publish_on_commit(
        context.session,
        "media.blocked",
        {"id": target.pk, "mic_blocked": target.mic_blocked, "camera_blocked": target.camera_blocked},
        audiences.everyone(),
    )
    feed = live_publications(context.session).filter(participant=target, kind=FeedKind.CAMERA).first()
    if feed is None:
        return room_plan(context.session), None, []
    return room_plan(context.session), feed.feed_id, feed.mids.get(kind, [])


def check_allow_several_screens(context, allowed: bool) -> None:
    """An organiser lets several people share a screen at once, or goes back to one at a time
    (screens already shared stay; the next share waits for them to end)."""
    require_moderator(context)
    session = context.session
    session.allows_several_screens = allowed
    session.save(update_fields=["allows_several_screens"])
    publish_on_commit(session, "media.screens", {"several": allowed}, audiences.everyone())


def blocks_of(context) -> dict:
    return {"audio": context.participant.mic_blocked, "video": context.participant.camera_blocked}


def do_end_session_media(context) -> RoomPlan | None:
    """After the session ended: its publications end; the relay then destroys the SFU room."""
    session = context.session
    if session.ended_at is None:
        return None
    live_publications(session).update(ended_at=timezone.now())
    plan = room_plan(session)
    placement.end_rooms(session)  # the relay destroys the origin and edge rooms on the SFU
    return plan
