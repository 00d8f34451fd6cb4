"""What organisers read after a session: who attended, from which browser, and the chat as CSV.

Pure builders: they read, never change anything, and authorise nothing (the views do).
"""

import csv
import io
import re
from dataclasses import dataclass
from datetime import datetime, timedelta

from django.db.models import Prefetch
from django.utils.translation import gettext as _

from rostrum.engagement.models import ChatMessage
from rostrum.rooms.models import Attendance, Participant, Session

# A spreadsheet runs a cell starting with one of these as a formula (OWASP "CSV injection").
FORMULA_PREFIXES = ("=", "+", "-", "@", "\t", "\r")
CHAT_CSV_COLUMNS = ["time", "author", "role", "to", "text", "deleted"]

# Most specific first: Edge and Opera also say "Chrome", Chrome also says "Safari".
BROWSERS = (
    ("Edge", re.compile(r"Edg(?:e|A|iOS)?/(\d+)")),
    ("Opera", re.compile(r"(?:OPR|Opera)/(\d+)")),
    ("Samsung Internet", re.compile(r"SamsungBrowser/(\d+)")),
    ("Firefox", re.compile(r"(?:Firefox|FxiOS)/(\d+)")),
    ("Chrome", re.compile(r"(?:Chrome|CriOS)/(\d+)")),
    ("Safari", re.compile(r"Version/(\d+).*Safari/")),
)
SYSTEMS = (
    ("iOS", re.compile(r"iPhone|iPad|iPod")),
    ("Android", re.compile(r"Android")),
    ("Windows", re.compile(r"Windows")),
    ("ChromeOS", re.compile(r"CrOS")),
    ("macOS", re.compile(r"Mac OS X|Macintosh")),
    ("Linux", re.compile(r"Linux")),
)


def spreadsheet_safe(value: str) -> str:
    """Text a spreadsheet shows as text: a leading apostrophe keeps formulas from running."""
    return "'" + value if value.startswith(FORMULA_PREFIXES) else value


def browser_of(user_agent: str) -> str:
    """A short, readable name for a browser ("Firefox 128 on Linux"); empty when unrecognised."""
    browser = next(
        (f"{name} {found.group(1)}" for name, pattern in BROWSERS if (found := pattern.search(user_agent))), ""
    )
    system = next((name for name, pattern in SYSTEMS if pattern.search(user_agent)), "")
    if browser and system:
        return _("%(browser)s on %(system)s") % {"browser": browser, "system": system}
    return browser or system


def format_duration(duration: timedelta | None) -> str:
    """Hours, minutes and seconds (``1:05:09``), or empty when unknown."""
    if duration is None:
        return ""
    minutes, seconds = divmod(max(int(duration.total_seconds()), 0), 60)
    hours, minutes = divmod(minutes, 60)
    return f"{hours}:{minutes:02d}:{seconds:02d}"


@dataclass(frozen=True)
class AttendanceRow:
    """One connection of one participant; a participant who never connected has one row without it."""

    participant: Participant
    joined_at: datetime | None
    left_at: datetime | None
    duration: str
    browser: str


def attendance_rows(session: Session) -> list[AttendanceRow]:
    """Every participant of the session, in the order they came, with each of their connections."""
    participants = session.participants.order_by("created_at", "id").prefetch_related(
        Prefetch("attendances", queryset=Attendance.objects.order_by("joined_at", "id"))
    )
    rows = []
    for participant in participants:
        attendances = list(participant.attendances.all())
        if not attendances:
            rows.append(AttendanceRow(participant, None, None, "", ""))
        for attendance in attendances:
            left_at = attendance.left_at
            duration = format_duration(left_at - attendance.joined_at) if left_at else ""
            rows.append(
                AttendanceRow(participant, attendance.joined_at, left_at, duration, browser_of(attendance.user_agent))
            )
    return rows


def _addressee(message: ChatMessage) -> str:
    if message.to_organisers:
        return "organisers"
    if message.recipient_id is not None:
        return spreadsheet_safe(message.recipient.display_name)
    return "everyone"


def build_chat_csv(session: Session) -> str:
    """The chat the organisers took part in, deleted messages included, oldest first.

    Private messages between two attendees of a meeting are theirs alone: they are left out.
    """
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(CHAT_CSV_COLUMNS)
    messages = ChatMessage.objects.filter(session=session).select_related("author", "recipient").order_by("id")
    for message in messages:
        if message.recipient_id and not (message.author.is_organiser or message.recipient.is_organiser):
            continue
        writer.writerow(
            [
                message.created_at.isoformat(),
                spreadsheet_safe(message.author.display_name),
                message.author.role,
                _addressee(message),
                spreadsheet_safe(message.text),
                "yes" if message.deleted_at else "no",
            ]
        )
    return out.getvalue()
