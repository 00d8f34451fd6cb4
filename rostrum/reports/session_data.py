"""The shape of a session report: plain, frozen data that pages and exports read."""

from dataclasses import dataclass
from datetime import datetime, timedelta

from rostrum.reports.intervals import Bucket
from rostrum.rooms.models import Room, Session


@dataclass(frozen=True)
class AttendeeRow:
    """One participant: their connections merged into first join, last leave and time connected."""

    name: str
    email: str
    role: str
    role_label: str
    is_expelled: bool
    first_joined_at: datetime | None
    last_left_at: datetime | None  # None while connected, or when they never connected
    is_connected: bool
    time_connected: timedelta
    connections: int
    browsers: str


@dataclass(frozen=True)
class AbsentRegistrant:
    name: str
    email: str
    status: str
    status_label: str
    registered_at: datetime


@dataclass(frozen=True)
class ChatFile:
    """A file posted in chat; the report links to it by ``id``."""

    id: int
    name: str
    size: int
    content_type: str


@dataclass(frozen=True)
class ChatRow:
    sent_at: datetime
    author: str
    author_role: str
    audience: str  # "everyone", "organisers" or "participant" (then ``recipient`` names them)
    recipient: str
    text: str
    is_deleted: bool
    attachment: ChatFile | None = None  # a file posted with the message


@dataclass(frozen=True)
class QuestionRow:
    asked_at: datetime
    author: str
    text: str
    state: str
    state_label: str
    answer: str
    answered_by: str
    is_answered_privately: bool

    @property
    def is_answered(self) -> bool:
        return self.state == "answered"


@dataclass(frozen=True)
class OptionResult:
    text: str
    votes: int
    percent: float  # of the ballots; a multiple-choice poll's percentages may add up past 100


@dataclass(frozen=True)
class PollResult:
    question: str
    kind: str
    kind_label: str
    ballots: int
    options: list[OptionResult]
    texts: list[str]  # a free-text poll's answers, without their authors


@dataclass(frozen=True)
class CallToActionRow:
    text: str
    url: str
    shown_at: datetime
    clicks: int
    unique_clickers: int


@dataclass(frozen=True)
class Share:
    count: int
    percent: float | None  # None when there is nobody to count against


@dataclass(frozen=True)
class EngagementSummary:
    """Everyone connected counts towards the peak; the averages and shares are of the attendees."""

    participants_connected: int
    attendees_connected: int
    peak_concurrent: int
    average_time_attended: timedelta | None
    chatted: Share
    asked: Share
    voted: Share
    clicked: Share


@dataclass(frozen=True)
class SessionReport:
    room: Room
    session: Session
    generated_at: datetime
    attendees: list[AttendeeRow]
    absent_registrants: list[AbsentRegistrant] | None  # None when registration is not installed
    chat: list[ChatRow]
    questions: list[QuestionRow]
    polls: list[PollResult]
    calls_to_action: list[CallToActionRow]
    bucket_size: timedelta
    attendance_series: list[Bucket]
    summary: EngagementSummary
