"""The account's figures over a recent period: sessions held, attendees, time attended, per week.

Every figure is counted by the database (a few aggregate queries, whatever the account's size).
A session counts when it started within the period; an attendee is a participant with the attendee
role who connected at least once. The average time attended merges each attendee's connections first,
as session reports do (a person connected from two tabs at once counts once): the connections are
read as one ordered stream of (participant, start, end) and merged on the way, never all in memory.
"""

import zoneinfo
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from itertools import groupby
from operator import itemgetter

from django.db.models import (
    Case,
    CharField,
    Count,
    DateTimeField,
    Exists,
    OuterRef,
    Q,
    Value,
    When,
)
from django.db.models.functions import Cast, Coalesce, Concat, Lower, TruncWeek
from django.utils import timezone

from rostrum.accounts.models import Account
from rostrum.reports import intervals
from rostrum.rooms.constants import ParticipantRole
from rostrum.rooms.models import Attendance, Participant, Session

PERIOD_DAYS = (30, 90)
LATEST_SESSIONS = 10


@dataclass(frozen=True)
class WeekFigures:
    starts_on: date
    sessions: int
    attendees: int


@dataclass(frozen=True)
class SessionLine:
    session: Session  # with ``room`` loaded
    attendees: int


@dataclass(frozen=True)
class AccountDashboard:
    days: int
    since: datetime
    sessions_held: int
    total_attendees: int
    unique_attendees: int
    average_time_attended: timedelta | None
    weeks: list[WeekFigures]
    latest_sessions: list[SessionLine]


def build_account_dashboard(account: Account, days: int, now: datetime | None = None) -> AccountDashboard:
    now = now or timezone.now()
    since = now - timedelta(days=days)
    zone = zoneinfo.ZoneInfo(account.timezone)
    sessions = Session.objects.filter(room__account=account, started_at__gte=since, started_at__lte=now)
    attendees = attended_in(sessions)
    total = attendees.count()
    return AccountDashboard(
        days=days,
        since=since,
        sessions_held=sessions.count(),
        total_attendees=total,
        unique_attendees=attendees.aggregate(people=Count(person_identity(), distinct=True))["people"],
        average_time_attended=time_attended(attendees, now) / total if total else None,
        weeks=weekly(sessions, attendees, zone, since, now),
        latest_sessions=latest(sessions),
    )


def attended_in(sessions):
    """The participants of these sessions who attended: the attendee role, and at least one connection."""
    connected = Attendance.objects.filter(participant=OuterRef("pk"))
    return Participant.objects.filter(session__in=sessions, role=ParticipantRole.ATTENDEE).filter(Exists(connected))


def person_identity():
    """Who a participant is across sessions: their e-mail address (any case), else their login, else
    only themselves."""
    return Case(
        When(~Q(email=""), then=Lower("email")),
        When(user__isnull=False, then=Concat(Value("user:"), Cast("user_id", CharField()))),
        default=Concat(Value("participant:"), Cast("id", CharField())),
        output_field=CharField(),
    )


def time_attended(attendees, now: datetime) -> timedelta:
    """Each attendee's connections merged, then added up; one still open counts until its session
    ended, or now."""
    rows = (
        Attendance.objects.filter(participant__in=attendees)
        .annotate(ends=Coalesce("left_at", "participant__session__ended_at", Value(now), output_field=DateTimeField()))
        .order_by("participant_id", "joined_at")
        .values_list("participant_id", "joined_at", "ends")
    )
    result = timedelta()
    for _participant, connections in groupby(rows.iterator(chunk_size=2000), key=itemgetter(0)):
        result += intervals.total((start, end) for _p, start, end in connections)
    return result


def weekly(sessions, attendees, zone, since: datetime, now: datetime) -> list[WeekFigures]:
    """Sessions and attendees per week (weeks start on Monday, in the account's time zone), zeros included."""

    def counts(rows, field: str) -> dict[date, int]:
        grouped = rows.annotate(week=TruncWeek(field, tzinfo=zone)).values("week").annotate(n=Count("id"))
        return {row["week"].astimezone(zone).date(): row["n"] for row in grouped.order_by()}

    held = counts(sessions, "started_at")
    came = counts(attendees, "session__started_at")
    first = since.astimezone(zone).date()
    week = first - timedelta(days=first.weekday())
    weeks = []
    while week <= now.astimezone(zone).date():
        weeks.append(WeekFigures(week, held.get(week, 0), came.get(week, 0)))
        week += timedelta(days=7)
    return weeks


def latest(sessions) -> list[SessionLine]:
    attended = Q(participants__role=ParticipantRole.ATTENDEE, participants__attendances__isnull=False)
    rows = (
        sessions.select_related("room")
        .annotate(attendee_count=Count("participants", filter=attended, distinct=True))
        .order_by("-started_at", "-id")[:LATEST_SESSIONS]
    )
    return [SessionLine(session, session.attendee_count) for session in rows]
