"""Build a session's report: who attended and for how long, and what they did there.

Pure builders: they read, never change anything, and authorise nothing (the views do). An open
connection counts until the session ended, or until now while it is live.
"""

from datetime import datetime, timedelta

from django.apps import apps
from django.db.models import Count, Exists, OuterRef, Prefetch
from django.utils import timezone

from rostrum.engagement.constants import PollKind, PollState, QuestionState
from rostrum.engagement.models import (
    CallToAction,
    CallToActionClick,
    ChatMessage,
    Poll,
    PollBallot,
    PollOption,
    Question,
)
from rostrum.reports import intervals
from rostrum.reports.formatting import browser_of
from rostrum.reports.session_data import (
    AbsentRegistrant,
    AttendeeRow,
    CallToActionRow,
    ChatFile,
    ChatRow,
    EngagementSummary,
    OptionResult,
    PollResult,
    QuestionRow,
    SessionReport,
    Share,
)
from rostrum.rooms.constants import ParticipantRole
from rostrum.rooms.models import Attendance, Participant, Session


def build_session_report(session: Session, now: datetime | None = None) -> SessionReport:
    now = now or timezone.now()
    until = session.ended_at or now
    participants = list(
        session.participants.order_by("created_at", "id").prefetch_related(
            Prefetch("attendances", queryset=Attendance.objects.order_by("joined_at", "id"))
        )
    )
    spans = {
        p.pk: [(a.joined_at, a.left_at or max(until, a.joined_at)) for a in p.attendances.all()] for p in participants
    }
    attendee_ids = {p.pk for p in participants if p.role == ParticipantRole.ATTENDEE and spans[p.pk]}
    size, series = intervals.connected_per_bucket(list(spans.values()))
    return SessionReport(
        room=session.room,
        session=session,
        generated_at=now,
        attendees=[attendee_row(p, spans[p.pk]) for p in participants],
        absent_registrants=absent_registrants(session),
        chat=chat_rows(session),
        questions=question_rows(session),
        polls=poll_results(session),
        calls_to_action=call_to_action_rows(session),
        bucket_size=size,
        attendance_series=series,
        summary=engagement_summary(session, spans, attendee_ids),
    )


def attendee_row(participant: Participant, spans: list[intervals.Interval]) -> AttendeeRow:
    connections = list(participant.attendances.all())
    is_connected = any(a.left_at is None for a in connections)
    browsers = dict.fromkeys(name for a in connections if (name := browser_of(a.user_agent)))
    return AttendeeRow(
        name=participant.display_name,
        email=participant.email,
        role=participant.role,
        role_label=participant.get_role_display(),
        is_expelled=participant.is_expelled,
        first_joined_at=connections[0].joined_at if connections else None,
        last_left_at=None if is_connected or not connections else max(a.left_at for a in connections),
        is_connected=is_connected,
        time_connected=intervals.total(spans),
        connections=len(connections),
        browsers=", ".join(browsers),
    )


def absent_registrants(session: Session) -> list[AbsentRegistrant] | None:
    """The room's registrants (not rejected) with no participant of this session who connected under
    the same e-mail address, compared case-insensitively; None without the registration app."""
    try:
        registrant_model = apps.get_model("registration", "Registrant")
    except LookupError:
        return None
    came = Participant.objects.filter(session=session, email__iexact=OuterRef("email"), attendances__isnull=False)
    registrants = registrant_model.objects.filter(room_id=session.room_id).exclude(status="rejected")
    return [
        AbsentRegistrant(
            f"{r.first_name} {r.last_name}".strip(), r.email, r.status, r.get_status_display(), r.created_at
        )
        for r in registrants.filter(~Exists(came)).order_by("created_at", "id")
    ]


def is_reported(message: ChatMessage) -> bool:
    """Private messages between two attendees of a meeting are theirs alone: reports leave them out."""
    return not message.recipient_id or message.author.is_organiser or message.recipient.is_organiser


def chat_file(message: ChatMessage) -> ChatFile | None:
    attachment = getattr(message, "attachment", None)  # selected with the message
    if attachment is None:
        return None
    return ChatFile(attachment.pk, attachment.name, attachment.size, attachment.content_type)


def chat_rows(session: Session) -> list[ChatRow]:
    """The chat the organisers took part in, deleted messages included, oldest first."""
    messages = (
        ChatMessage.objects.filter(session=session).select_related("author", "recipient", "attachment").order_by("id")
    )
    return [
        ChatRow(
            sent_at=m.created_at,
            author=m.author.display_name,
            author_role=m.author.role,
            audience="organisers" if m.to_organisers else "participant" if m.recipient_id else "everyone",
            recipient=m.recipient.display_name if m.recipient_id else "",
            text=m.text,
            is_deleted=m.deleted_at is not None,
            attachment=chat_file(m),
        )
        for m in messages
        if is_reported(m)
    ]


def question_rows(session: Session) -> list[QuestionRow]:
    questions = Question.objects.filter(session=session).select_related("author", "answered_by").order_by("id")
    return [
        QuestionRow(
            asked_at=q.created_at,
            author=q.author.display_name,
            text=q.text,
            state=q.state,
            state_label=q.get_state_display(),
            answer=q.answer,
            answered_by=q.answered_by.display_name if q.answered_by else "",
            is_answered_privately=q.answered_privately and q.state == QuestionState.ANSWERED,
        )
        for q in questions
    ]


def percent(part: int, whole: int) -> float | None:
    return round(100 * part / whole, 1) if whole else None


def poll_results(session: Session) -> list[PollResult]:
    """Polls that were launched (drafts were never shown), with the votes for each option."""
    polls = list(
        Poll.objects.filter(session=session)
        .exclude(state=PollState.DRAFT)
        .annotate(ballot_count=Count("ballots", distinct=True))
        .order_by("id")
    )
    options = PollOption.objects.filter(poll__in=polls).annotate(votes=Count("ballots")).order_by("poll_id", "position")
    texts = PollBallot.objects.filter(poll__in=polls, poll__kind=PollKind.TEXT).order_by("id")
    return [
        PollResult(
            question=poll.question,
            kind=poll.kind,
            kind_label=poll.get_kind_display(),
            ballots=poll.ballot_count,
            options=[
                OptionResult(o.text, o.votes, percent(o.votes, poll.ballot_count) or 0.0)
                for o in options
                if o.poll_id == poll.pk
            ],
            texts=[b.text for b in texts if b.poll_id == poll.pk],
        )
        for poll in polls
    ]


def call_to_action_rows(session: Session) -> list[CallToActionRow]:
    ctas = CallToAction.objects.filter(session=session).annotate(
        click_count=Count("clicks"), clicker_count=Count("clicks__participant", distinct=True)
    )
    return [CallToActionRow(c.text, c.url, c.shown_at, c.click_count, c.clicker_count) for c in ctas.order_by("id")]


def engagement_summary(session: Session, spans: dict, attendee_ids: set[int]) -> EngagementSummary:
    connected = [person for person in spans.values() if person]
    attended = [intervals.total(spans[pk]) for pk in attendee_ids]

    def share(participant_ids) -> Share:
        count = len(attendee_ids & set(participant_ids))
        return Share(count, percent(count, len(attendee_ids)))

    return EngagementSummary(
        participants_connected=len(connected),
        attendees_connected=len(attendee_ids),
        peak_concurrent=intervals.peak_concurrent(connected),
        average_time_attended=sum(attended, timedelta()) / len(attended) if attended else None,
        chatted=share(ChatMessage.objects.filter(session=session).values_list("author_id", flat=True)),
        asked=share(Question.objects.filter(session=session).values_list("author_id", flat=True)),
        voted=share(PollBallot.objects.filter(poll__session=session).values_list("participant_id", flat=True)),
        clicked=share(
            CallToActionClick.objects.filter(call_to_action__session=session).values_list("participant_id", flat=True)
        ),
    )
