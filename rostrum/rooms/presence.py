"""Who is in a session now: the participants with an open connection, admitted and not expelled."""

from dataclasses import dataclass

from django.db.models import Exists, OuterRef

from rostrum.rooms.constants import ParticipantRole
from rostrum.rooms.models import Attendance, Participant, Session

ROLE_ORDER = {ParticipantRole.HOST: 0, ParticipantRole.PRESENTER: 1, ParticipantRole.ATTENDEE: 2}


@dataclass(frozen=True)
class Presence:
    room_type: str  # "meeting" | "webinar"
    participants: list[dict]  # {id, name, role, hand_raised}: organisers first, then by arrival

    @property
    def organisers(self) -> list[dict]:
        return [p for p in self.participants if p["role"] in (ParticipantRole.HOST, ParticipantRole.PRESENTER)]


def present_participants(session_id: int) -> Presence | None:
    """The session's present participants, in two queries however many there are; None: no such session.

    Present: at least one Attendance still open (``left_at`` unset), admitted, not expelled. A
    participant with two tabs open counts once.
    """
    room_type = Session.objects.filter(pk=session_id).values_list("room__room_type", flat=True).first()
    if room_type is None:
        return None
    connected = Attendance.objects.filter(participant=OuterRef("pk"), left_at=None)
    rows = (
        Participant.objects.filter(session_id=session_id, is_admitted=True, is_expelled=False)
        .filter(Exists(connected))
        .order_by("created_at", "id")
        .values_list("id", "display_name", "role", "hand_raised_at")
    )
    people = [
        {"id": pk, "name": name, "role": role, "hand_raised": raised_at is not None}
        for pk, name, role, raised_at in rows
    ]
    people.sort(key=lambda person: ROLE_ORDER.get(person["role"], len(ROLE_ORDER)))  # stable
    return Presence(room_type=room_type, participants=people)
