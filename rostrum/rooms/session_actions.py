"""Sessions of a room and the people in them: join, start, end, admit, promote.

check_* take the acting participant's LiveContext and authorise; do_* assume that.
"""

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from rostrum.billing import entitlements
from rostrum.core import events
from rostrum.live import audiences
from rostrum.live.context import viewer_of
from rostrum.live.errors import LiveError
from rostrum.live.publish import publish_on_commit
from rostrum.rooms.constants import ParticipantRole
from rostrum.rooms.errors import RoomsError
from rostrum.rooms.models import Attendance, Participant, Room, Session


def participant_card(participant: Participant) -> dict:
    return {"id": participant.pk, "name": participant.display_name, "role": participant.role}


def current_session(room: Room) -> Session:
    """The room's open session (not ended), made when someone first comes for it."""
    with transaction.atomic():
        Room.objects.select_for_update().filter(pk=room.pk).first()  # one session per room at a time
        session = room.sessions.filter(ended_at=None).order_by("-created_at").first()
        return session or Session.objects.create(room=room)


def do_join(room: Room, *, key: str, display_name: str, role: str, user=None, email: str = "") -> Participant:
    """The participant behind a browser's key in the room's current session, made or updated.

    Raises RoomsError("room_full") when a newcomer would go past the plan's attendees per room.
    """
    session = current_session(room)
    with transaction.atomic():
        session = Session.objects.select_for_update().get(pk=session.pk)  # the seat count is per session
        participant = session.participants.filter(key=key).first()
        created = participant is None
        if role == ParticipantRole.PRESENTER and (created or participant.role == ParticipantRole.ATTENDEE):
            presenters = session.participants.filter(role=ParticipantRole.PRESENTER).count()
            if presenters >= entitlements.limit(room.account, "simultaneous_presenters"):
                role = ParticipantRole.ATTENDEE  # the presenters' seats are taken: attend instead
        if created:
            allowed = entitlements.limit(room.account, "attendees_per_room")
            present = session.participants.filter(is_expelled=False, attendances__left_at__isnull=True)
            present = present.exclude(attendances=None).distinct().count()
            if role == ParticipantRole.ATTENDEE and present >= allowed:
                raise RoomsError(
                    "room_full", _("This room is full: it has room for %(count)d people.") % {"count": allowed}
                )
            participant = Participant.objects.create(
                session=session, key=key, display_name=display_name, role=role, user=user, email=email
            )
    if participant.is_expelled:
        return participant
    changed = []
    if participant.display_name != display_name:
        participant.display_name = display_name
        changed.append("display_name")
    if role != ParticipantRole.ATTENDEE and participant.role == ParticipantRole.ATTENDEE:
        participant.role = role  # came back through the organisers' door or a presenter link
        changed.append("role")
    should_admit = participant.is_organiser or (session.is_live and session.admits_automatically)
    if should_admit and not participant.is_admitted:
        participant.is_admitted = True
        changed.append("is_admitted")
    if changed:
        participant.save(update_fields=changed)
    if created and not participant.is_admitted:
        publish_on_commit(session, "lobby.waiting", participant_card(participant), audiences.moderators())
    return participant


def do_open_attendance(participant_id: int, user_agent: str):
    """Record a connection; ``None`` if the participant may not connect (expelled, or gone)."""
    participant = (
        Participant.objects.filter(pk=participant_id, is_expelled=False)
        .select_related("session__room__account")
        .first()
    )
    if participant is None:
        return None
    attendance = Attendance.objects.create(participant=participant, user_agent=user_agent[:300])
    events.emit(participant.session.room.account, events.ATTENDEE_JOINED, events.attendance_data(attendance))
    return participant.pk, participant.session_id, attendance.pk, viewer_of(participant)


def do_close_attendance(attendance_id: int) -> None:
    if Attendance.objects.filter(pk=attendance_id, left_at=None).update(left_at=timezone.now()):
        attendance = Attendance.objects.select_related("participant__session__room__account").get(pk=attendance_id)
        events.emit(
            attendance.participant.session.room.account, events.ATTENDEE_LEFT, events.attendance_data(attendance)
        )


def require_host(context) -> None:
    if context.participant.role != ParticipantRole.HOST:
        raise LiveError("not_allowed", _("Only the host can do this."))


def require_moderator(context) -> None:
    if not context.participant.is_organiser:
        raise LiveError("not_allowed", _("Only the organisers can do this."))


def access_participant_in_session(context, participant_id: int) -> Participant:
    """Another participant of the same session; any other id is simply not found."""
    participant = Participant.objects.filter(session=context.session, pk=participant_id).first()
    if participant is None:
        raise LiveError("not_found", _("There is no such participant in this session."))
    return participant


def access_organiser_in_session(context, participant_id: int, refusal: str) -> Participant:
    """Another host or presenter of this session, not removed: who may be handed control of what
    the room shows (the pages, a shared video). Anyone else is refused with ``refusal``."""
    target = access_participant_in_session(context, participant_id)
    if not target.is_organiser or target.is_expelled:
        raise LiveError("not_allowed", refusal)
    return target


def lock_running_session(context) -> Session:
    """The session's row, locked: it orders a session's changes to what the room shows (slides, the
    whiteboard, a shared video). An ended session takes none."""
    session = Session.objects.select_for_update().get(pk=context.session.pk)
    if session.ended_at is not None:
        raise LiveError("session_ended", _("The session has ended."))
    return session


def check_start_session(context) -> None:
    require_moderator(context)
    session = Session.objects.select_for_update().get(pk=context.session.pk)
    if session.started_at is not None:
        raise LiveError("already_started", _("The session has started already."))
    session.started_at = timezone.now()
    session.started_by = context.participant.user
    session.save(update_fields=["started_at", "started_by"])
    if session.admits_automatically:
        session.participants.filter(is_admitted=False, is_expelled=False).update(is_admitted=True)
    publish_on_commit(
        session,
        "session.started",
        {"started_at": session.started_at.isoformat(), "admitted_waiting": session.admits_automatically},
        audiences.everyone(including_lobby=True),
        control={"lobby": "refresh"},
    )
    events.emit(session.room.account, events.SESSION_STARTED, events.session_data(session))


def check_end_session(context) -> None:
    require_moderator(context)
    session = Session.objects.select_for_update().get(pk=context.session.pk)
    if session.ended_at is not None:
        raise LiveError("already_ended", _("The session has ended already."))
    session.ended_at = timezone.now()
    session.save(update_fields=["ended_at"])
    publish_on_commit(
        session, "session.ended", {"ended_at": session.ended_at.isoformat()}, audiences.everyone(including_lobby=True)
    )
    events.emit(session.room.account, events.SESSION_ENDED, events.session_data(session))


def check_set_admission(context, automatic: bool) -> None:
    require_host(context)
    session = context.session
    session.admits_automatically = automatic
    session.save(update_fields=["admits_automatically"])
    publish_on_commit(session, "session.admission_changed", {"automatic": automatic}, audiences.moderators())


def check_admit(context, participant_id: int | None) -> int:
    """Admit one waiting participant, or everyone waiting when ``participant_id`` is None."""
    require_moderator(context)
    waiting = context.session.participants.filter(is_admitted=False, is_expelled=False)
    if participant_id is not None:
        waiting = waiting.filter(pk=participant_id)
        if not waiting.exists():
            raise LiveError("not_found", _("Nobody with this id is waiting."))
    ids = list(waiting.values_list("pk", flat=True))
    waiting.update(is_admitted=True)
    publish_on_commit(
        context.session,
        "lobby.admitted",
        {"participant_ids": ids},
        audiences.moderators(*ids),
        control=dict.fromkeys(ids, "refresh"),
    )
    return len(ids)


def check_set_role(context, participant_id: int, role: str) -> None:
    """The host makes an attendee a presenter, or a presenter an attendee again."""
    require_host(context)
    if role not in (ParticipantRole.PRESENTER, ParticipantRole.ATTENDEE):
        raise LiveError("invalid", _("A participant becomes a presenter or an attendee."))
    participant = access_participant_in_session(context, participant_id)
    if participant.role == ParticipantRole.HOST:
        raise LiveError("not_allowed", _("The host's role does not change here."))
    if role == ParticipantRole.PRESENTER:
        presenters = context.session.participants.filter(role=ParticipantRole.PRESENTER).exclude(pk=participant.pk)
        allowed = entitlements.limit(context.session.room.account, "simultaneous_presenters")
        if presenters.count() >= allowed:
            raise LiveError("presenter_limit", _("Your plan allows %(count)d presenters.") % {"count": allowed})
    participant.role = role
    participant.is_admitted = True
    participant.save(update_fields=["role", "is_admitted"])
    publish_on_commit(
        context.session,
        "participant.role_changed",
        participant_card(participant),
        audiences.everyone(),
        control={participant.pk: "refresh"},
    )
