"""Calendar attachments parse back as the event they describe."""

from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from icalendar import Calendar

from rostrum.notifications.ics import event_ics


def make(**overrides) -> bytes:
    options = {
        "uid": "room-123456789@rostrum",
        "summary": "Quarterly update, Q&A; all welcome",
        "description": "Line one\nLine two",
        "starts_at": datetime(2026, 12, 3, 16, 0, tzinfo=ZoneInfo("Europe/Warsaw")),
        "ends_at": datetime(2026, 12, 3, 17, 30, tzinfo=ZoneInfo("Europe/Warsaw")),
        "url": "https://rostrum.example/r/123456789/",
    }
    return event_ics(**(options | overrides))


def test_event_parses_back_with_its_times_in_utc():
    calendar = Calendar.from_ical(make(organizer_name="Acme Training", organizer_email="hello@acme.example"))
    assert str(calendar["method"]) == "PUBLISH"
    (event,) = calendar.walk("VEVENT")
    assert str(event["uid"]) == "room-123456789@rostrum"
    assert str(event["summary"]) == "Quarterly update, Q&A; all welcome"
    assert str(event["description"]) == "Line one\nLine two"
    assert event.decoded("dtstart") == datetime(2026, 12, 3, 15, 0, tzinfo=UTC)
    assert event.decoded("dtend") - event.decoded("dtstart") == timedelta(minutes=90)
    assert str(event["url"]) == "https://rostrum.example/r/123456789/"
    assert str(event["organizer"]) == "mailto:hello@acme.example"
    assert event["organizer"].params["cn"] == "Acme Training"
    assert b"DTSTART:20261203T150000Z" in make()


def test_location_defaults_to_the_link_and_no_organizer_is_left_out():
    (event,) = Calendar.from_ical(make()).walk("VEVENT")
    assert str(event["location"]) == "https://rostrum.example/r/123456789/"
    assert "organizer" not in event


def test_naive_times_are_refused():
    with pytest.raises(ValueError, match="timezone-aware"):
        make(starts_at=datetime(2026, 12, 3, 16, 0))
