"""Calendar invitations (RFC 5545) attached to e-mail: one VEVENT, times in UTC."""

from datetime import UTC, datetime

from django.utils import timezone
from icalendar import Calendar, Event, vCalAddress, vText

ICS_MIMETYPE = "text/calendar; method=PUBLISH; charset=utf-8"
ICS_FILENAME = "invite.ics"
PRODUCT_ID = "-//Rostrum//Rostrum//EN"


def _utc(moment: datetime) -> datetime:
    if timezone.is_naive(moment):
        raise ValueError("Calendar times must be timezone-aware.")
    return moment.astimezone(UTC)


def event_ics(
    *,
    uid: str,
    summary: str,
    description: str,
    starts_at: datetime,
    ends_at: datetime,
    url: str,
    organizer_name: str = "",
    organizer_email: str = "",
    location: str = "",
    sequence: int = 0,
) -> bytes:
    """One event as an ``.ics`` file. Send a changed event with the same ``uid`` and a higher ``sequence``."""
    event = Event()
    event.add("uid", uid)
    event.add("sequence", sequence)
    event.add("dtstamp", timezone.now().astimezone(UTC))
    event.add("dtstart", _utc(starts_at))
    event.add("dtend", _utc(ends_at))
    event.add("summary", summary)
    event.add("description", description)
    event.add("url", url)
    event.add("location", location or url)
    if organizer_email:
        organizer = vCalAddress(f"mailto:{organizer_email}")
        if organizer_name:
            organizer.params["cn"] = vText(organizer_name)
        event["organizer"] = organizer
    calendar = Calendar()
    calendar.add("prodid", PRODUCT_ID)
    calendar.add("version", "2.0")
    calendar.add("method", "PUBLISH")
    calendar.add_component(event)
    return calendar.to_ical()


def room_attachment(room, link: str, filename: str = ICS_FILENAME) -> tuple[str, bytes, str] | None:
    """A scheduled room as an e-mail attachment ``(filename, content, mimetype)`` whose event opens ``link``.

    None for a room without a schedule (a permanent room has no date to put in a calendar).
    """
    if room.starts_at is None or room.ends_at is None:
        return None
    content = event_ics(
        uid=f"room-{room.number}@rostrum",
        summary=room.name,
        description=f"{room.description}\n\n{link}".strip(),
        starts_at=room.starts_at,
        ends_at=room.ends_at,
        url=link,
        organizer_name=room.account.name,
        organizer_email=room.account.email,
    )
    return (filename, content, ICS_MIMETYPE)
