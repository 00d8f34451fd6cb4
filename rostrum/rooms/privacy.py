from rostrum.core.storage import delete_on_commit, files_under
from rostrum.privacy.registry import declare_no_personal_data, register
from rostrum.rooms.models import AccessToken, Attendance, Participant, Room, Session


def export_token_uses(user) -> list[dict]:
    # Token uses are by display name only; they are tied to no login, so nothing is found by user.
    return []


def erase_token_uses(user) -> None:
    AccessToken.objects.filter(used_by_name__in={user.get_full_name(), user.email}).update(used_by_name="")


declare_no_personal_data(Room, "a room's settings; who created it is the account's business record")
register(AccessToken, fields=("used_by_name",), exporter=export_token_uses, eraser=erase_token_uses)


def export_participation(user) -> list[dict]:
    return [
        {
            "room": p.session.room.name,
            "name": p.display_name,
            "email": p.email,
            "role": p.role,
            "joined": [a.joined_at.isoformat() for a in p.attendances.all()],
        }
        for p in Participant.objects.filter(user=user).select_related("session__room")
    ]


def erase_participation(user) -> None:
    # Files made of her sessions that name her (the API's report PDFs) go once the erasure commits.
    delete_on_commit(files_under(Participant.objects.filter(user=user)))
    for participant in Participant.objects.filter(user=user):
        participant.display_name, participant.email, participant.key = "—", "", f"erased-{participant.pk}"
        participant.user = None
        participant.save(update_fields=["display_name", "email", "key", "user"])


def erase_attendance(user) -> None:
    Attendance.objects.filter(participant__user=user).update(user_agent="")


def export_attendance(user) -> list[dict]:
    return [
        {"joined": a.joined_at.isoformat(), "left": a.left_at.isoformat() if a.left_at else "", "browser": a.user_agent}
        for a in Attendance.objects.filter(participant__user=user)
    ]


declare_no_personal_data(Session, "a session's times and settings; who started it is the account's record")
register(
    Participant,
    fields=("user", "display_name", "email", "key"),
    exporter=export_participation,
    eraser=erase_participation,
    erase_order=10,
)  # after everything found through the participant
register(Attendance, fields=("user_agent",), exporter=export_attendance, eraser=erase_attendance)
