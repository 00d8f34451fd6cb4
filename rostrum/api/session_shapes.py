"""Sessions, attendees and chats as ClickMeeting's API v1 shows them (spec §3.3, §3.7). Pure builders.

Figures follow the session report's rules (``rostrum.reports``): a connection still open counts until
the session ended, or until now while it is live; ``total_visitors`` is the participants who
connected at least once, ``max_visitors`` the most connected at the same instant.
"""

import shutil
import tempfile
import time
import zipfile
import zoneinfo
from collections import defaultdict
from datetime import datetime

from django.conf import settings
from django.db.models import Prefetch
from django.utils import timezone

from rostrum.core.streaming import BLOCK_SIZE
from rostrum.reports import intervals
from rostrum.reports.exports import table_csv
from rostrum.reports.session_report import attendee_row, build_session_report
from rostrum.reports.tables import table_by_slug
from rostrum.rooms.constants import ParticipantRole
from rostrum.rooms.models import Attendance, Participant, Room, Session
from rostrum.rooms.views import room_url

# Bytes of a chat ZIP kept in memory; a bigger one (files posted in chat can come to 200 MB a
# session) goes on to a temporary file on disk.
CHAT_ZIP_IN_MEMORY = 1024 * 1024

# Our participant roles in ClickMeeting's words.
ROLES = {ParticipantRole.HOST: "host", ParticipantRole.PRESENTER: "presenter", ParticipantRole.ATTENDEE: "listener"}


def iso(moment: datetime | None, room: Room) -> str | None:
    """ISO 8601 with the room's offset (``2026-05-04T14:30:00+02:00``); None stays None."""
    return moment.astimezone(zoneinfo.ZoneInfo(room.timezone)).isoformat(timespec="seconds") if moment else None


def api_url(path: str) -> str:
    """An absolute URL under /api/v1/ (routes with an optional suffix cannot be reversed)."""
    return f"{settings.SITE_URL.rstrip('/')}/api/v1/{path}"


def absolute_room_url(room: Room) -> str:
    return settings.SITE_URL.rstrip("/") + room_url(room)


def session_start(session: Session) -> datetime:
    """When the host started it; a session nobody started began when its lobby opened."""
    return session.started_at or session.created_at


def _until(session: Session, now: datetime) -> datetime:
    return session.ended_at or now


def _figures(people: list[list[intervals.Interval]]) -> dict:
    connected = [spans for spans in people if spans]
    return {"total_visitors": len(connected), "max_visitors": intervals.peak_concurrent(connected)}


def build_session_summaries(room: Room, now: datetime | None = None) -> list[dict]:
    """Every session of the room, newest first, in two queries whatever their number."""
    now = now or timezone.now()
    sessions = list(room.sessions.order_by("-created_at", "-id"))
    by_id = {session.pk: session for session in sessions}
    people: dict[int, dict[int, list]] = defaultdict(lambda: defaultdict(list))
    connections = Attendance.objects.filter(participant__session__room=room).values_list(
        "participant__session_id", "participant_id", "joined_at", "left_at"
    )
    for session_id, participant_id, joined_at, left_at in connections:
        until = _until(by_id[session_id], now)
        people[session_id][participant_id].append((joined_at, left_at or max(until, joined_at)))
    return [
        {
            "id": session.pk,
            **_figures(list(people[session.pk].values())),
            "start_date": iso(session_start(session), room),
            "end_date": iso(session.ended_at, room),
        }
        for session in sessions
    ]


def connected_participants(session: Session, now: datetime | None = None) -> list[tuple[Participant, list]]:
    """Participants who connected at least once, first come first, each with their spans."""
    until = _until(session, now or timezone.now())
    participants = session.participants.order_by("created_at", "id").prefetch_related(
        Prefetch("attendances", queryset=Attendance.objects.order_by("joined_at", "id"))
    )
    result = []
    for participant in participants:
        spans = [(a.joined_at, a.left_at or max(until, a.joined_at)) for a in participant.attendances.all()]
        if spans:
            result.append((participant, spans))
    return result


def build_session_detail(session: Session, pdf: dict, now: datetime | None = None) -> dict:
    room = session.room
    people = connected_participants(session, now)
    attendees = []
    for participant, spans in people:
        row = attendee_row(participant, spans)
        attendees.append(
            {
                "id": participant.pk,
                "start_date": iso(row.first_joined_at, room),
                "end_date": iso(row.last_left_at, room),
                "login": participant.display_name,
                "email": participant.email,
            }
        )
    return {
        **_figures([spans for _participant, spans in people]),
        "start_date": iso(session_start(session), room),
        "end_date": iso(session.ended_at, room),
        "attendees": attendees,
        "pdf": pdf,
    }


def build_attendees(session: Session, now: datetime | None = None) -> list[dict]:
    """One entry per participant who connected; ``device`` is the browser of their latest connection.
    Ratings do not exist here and addresses are not stored: those keys are always null."""
    room = session.room
    rows = []
    for participant, spans in connected_participants(session, now):
        row = attendee_row(participant, spans)
        connections = list(participant.attendances.all())
        rows.append(
            {
                "uid": str(participant.pk),
                "role": ROLES.get(participant.role, "listener"),
                "nickname": participant.display_name,
                "email": participant.email,
                "device": connections[-1].user_agent,
                "rating": None,
                "rating_comment": None,
                "start_date": iso(row.first_joined_at, room),
                "end_date": iso(row.last_left_at, room),
                "user_ip": None,
            }
        )
    return rows


# --- chats (§3.7) -------------------------------------------------------------------------------


def build_chat_entry(session: Session, download_link: str) -> dict:
    room = session.room
    start = session_start(session).astimezone(zoneinfo.ZoneInfo(room.timezone))
    return {
        "id": session.pk,
        "name": room.name,
        "time_zone": room.timezone,
        "timezone": room.timezone,
        "date": start.strftime("%Y-%m-%d"),
        "time": start.strftime("%H:%M:%S"),
        "download_link": download_link,
    }


def chat_file_name(session: Session) -> str:
    return f"room-{session.room.number}-session-{session.pk}-chat"


def build_chat_zip(session: Session) -> tempfile.SpooledTemporaryFile:
    """The session's chat as the reports write it (``chat.csv``: private messages between two
    attendees left out, deleted messages marked, times in the room's zone), plus a plain-text
    transcript of the same rows, and the files posted with them (``files/<id>-<name>``), in one ZIP archive.

    The archive is a temporary file (in memory up to ``CHAT_ZIP_IN_MEMORY``, then on disk), open at
    its start: the caller closes it, which deletes it. Posted files are copied in block by block."""
    report = build_session_report(session)
    table = table_by_slug(report, "chat")
    zone = zoneinfo.ZoneInfo(session.room.timezone)
    lines = []
    for message in report.chat:
        to = f" → {message.recipient}" if message.audience == "participant" else ""
        to = " → organisers" if message.audience == "organisers" else to
        deleted = " (deleted)" if message.is_deleted else ""
        sent_at = message.sent_at.astimezone(zone).strftime("%Y-%m-%d %H:%M:%S")
        posted = f" [file: {chat_file_path(message.attachment)}]" if message.attachment else ""
        lines.append(f"[{sent_at}] {message.author}{to}: {message.text}{posted}{deleted}")
    name = chat_file_name(session)
    out = tempfile.SpooledTemporaryFile(max_size=CHAT_ZIP_IN_MEMORY)  # noqa: SIM115 (returned open)
    try:
        with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as archive:
            archive.writestr(f"{name}.csv", table_csv(table))
            archive.writestr(f"{name}.txt", "\n".join(lines) + ("\n" if lines else ""))
            _add_chat_files(archive, [m.attachment.id for m in report.chat if m.attachment])
    except BaseException:
        out.close()
        raise
    out.seek(0)
    return out


def chat_file_path(attachment) -> str:
    """Where a file posted in chat is in the archive: its id keeps two of the same name apart."""
    return f"files/{attachment.id}-{attachment.name}"


def _zip_member(archive: zipfile.ZipFile, name: str) -> zipfile.ZipInfo:
    """A member named as ``writestr`` names one: stamped now, the archive's compression, owner-readable."""
    member = zipfile.ZipInfo(name, date_time=time.localtime()[:6])
    member.compress_type = archive.compression
    member.external_attr = 0o600 << 16
    return member


def _add_chat_files(archive: zipfile.ZipFile, attachment_ids: list[int]) -> None:
    from rostrum.engagement.models import ChatAttachment

    for attachment in ChatAttachment.objects.filter(pk__in=attachment_ids).order_by("id"):
        try:
            stored = attachment.file.open("rb")
        except FileNotFoundError:
            continue  # the transcript still names it
        with stored, archive.open(_zip_member(archive, chat_file_path(attachment)), "w") as member:
            shutil.copyfileobj(stored, member, BLOCK_SIZE)
