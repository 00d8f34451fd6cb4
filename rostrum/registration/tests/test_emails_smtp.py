"""Every registration e-mail through a real SMTP server (aiosmtpd): links, calendar file, timing.

``sweep(now)`` is what the periodic task runs; passing ``now`` moves its clock.
"""

import re
import zoneinfo
from datetime import timedelta

import pytest
from django.conf import settings
from django.urls import reverse
from django.utils import translation
from django.utils.formats import date_format
from icalendar import Calendar

from rostrum.contacts.unsubscribe import do_unsubscribe
from rostrum.registration.constants import FOLLOW_UP_DELAY
from rostrum.registration.models import RegistrantMessage
from rostrum.registration.schedule import sweep
from rostrum.registration.tests.factories import make_registration_room, register
from rostrum.rooms.constants import ParticipantRole
from rostrum.rooms.models import Participant, Session
from rostrum.rooms.session_actions import do_join

pytestmark = pytest.mark.django_db
LINK = re.compile(r"https?://\S+(/r/\S+/registrant/\S+/)")


def only_message(smtp_server, to):
    messages = smtp_server.messages()
    assert [m["To"] for m in messages] == [to], [m["Subject"] for m in messages]
    smtp_server.received.clear()
    return messages[0]


def text_of(message) -> str:
    return message.get_body(preferencelist=("plain",)).get_content()


def local_time(moment, zone: str, language: str = "en") -> str:
    with translation.override(language):
        return date_format(moment.astimezone(zoneinfo.ZoneInfo(zone)), "DATETIME_FORMAT")


def test_the_confirmation_carries_a_working_personal_link_and_the_calendar_file(owner, client, smtp_server, committed):
    room = make_registration_room(owner)
    with committed():
        client.post(
            reverse("registration_register", args=[room.account.slug, room.slug]),
            {"first_name": "Ada", "last_name": "Lovelace", "email": "ada@example.com", "timezone": "America/New_York"},
        )
    message = only_message(smtp_server, "ada@example.com")
    assert message["Subject"] == f"You are registered: {room.name}"
    body = text_of(message)
    assert local_time(room.starts_at, "America/New_York") in body and "(America/New_York)" in body
    link = LINK.search(body)
    assert link and body[link.start() :].startswith(settings.SITE_URL)

    calendars = [part for part in message.iter_attachments() if part.get_content_type() == "text/calendar"]
    assert len(calendars) == 1 and calendars[0].get_filename().endswith(".ics")
    event = Calendar.from_ical(calendars[0].get_content()).walk("VEVENT")[0]
    assert event.decoded("dtstart") == room.starts_at
    assert event.decoded("dtend") == room.ends_at
    assert str(event["summary"]) == room.name and link.group(1) in str(event["url"])

    response = client.get(link.group(1))
    assert response.status_code == 302
    assert "Ada Lovelace" in client.get(response["Location"]).content.decode()


def test_reminders_go_a_day_and_an_hour_before_in_the_registrants_zone_and_language_once(owner, smtp_server, committed):
    room = make_registration_room(owner)
    with committed():
        register(room, email="ada@example.com", timezone="Asia/Tokyo", language="en")
    smtp_server.received.clear()
    start = room.starts_at
    with committed():
        assert sweep(start - timedelta(days=1, minutes=1)) == 0  # not yet
    with committed():
        assert sweep(start - timedelta(days=1) + timedelta(minutes=1)) == 1
    reminder = only_message(smtp_server, "ada@example.com")
    assert reminder["Subject"] == f"Tomorrow: {room.name}"
    body = text_of(reminder)
    assert local_time(start, "Asia/Tokyo") in body and "(Asia/Tokyo)" in body
    assert LINK.search(body)
    assert any(part.get_content_type() == "text/calendar" for part in reminder.iter_attachments())
    with committed():
        assert sweep(start - timedelta(days=1) + timedelta(minutes=2)) == 0  # never twice
    with committed():
        assert sweep(start - timedelta(minutes=59)) == 1
    assert only_message(smtp_server, "ada@example.com")["Subject"] == f"Starting in an hour: {room.name}"
    assert smtp_server.received == []


def test_a_reminder_switched_off_or_stale_is_not_sent(owner, smtp_server, committed):
    room = make_registration_room(owner, reminder_hour_before=False)
    with committed():
        register(room)
    smtp_server.received.clear()
    with committed():
        assert sweep(room.starts_at - timedelta(days=1) + timedelta(hours=2)) == 0  # the worker was down
        assert sweep(room.starts_at - timedelta(minutes=30)) == 0
    assert smtp_server.received == []


def test_no_reminder_when_the_room_moved_later_until_its_new_time(owner, smtp_server, committed):
    room = make_registration_room(owner)
    with committed():
        register(room)
    smtp_server.received.clear()
    old_moment = room.starts_at - timedelta(days=1)
    room.starts_at += timedelta(days=2)
    room.save(update_fields=["starts_at"])
    with committed():
        assert sweep(old_moment + timedelta(minutes=1)) == 0
    assert smtp_server.received == []
    with committed():
        assert sweep(room.starts_at - timedelta(days=1)) == 1
    assert local_time(room.starts_at, "Europe/Warsaw") in text_of(only_message(smtp_server, "ada@example.com"))


def test_nothing_is_sent_after_the_room_is_deleted(owner, smtp_server, committed):
    room = make_registration_room(owner)
    with committed():
        register(room)
    smtp_server.received.clear()
    moment = room.starts_at - timedelta(hours=1)
    room.delete()
    with committed():
        assert sweep(moment) == 0
    assert smtp_server.received == [] and not RegistrantMessage.objects.exists()


def run_session(room, *, ended_at, attendees):
    """A session of the room as the join action makes it, then started and ended at known times."""
    for number, (name, email) in enumerate(attendees):
        do_join(room, key=f"key-{number}", display_name=name, role=ParticipantRole.ATTENDEE, email=email)
    session = Session.objects.get(room=room)
    Session.objects.filter(pk=session.pk).update(started_at=ended_at - timedelta(hours=1), ended_at=ended_at)
    return session


def test_after_the_session_attendees_are_thanked_and_the_others_missed_once(owner, smtp_server, committed):
    room = make_registration_room(owner, follow_up_enabled=True, follow_up_text="Slides: https://example.com/s")
    with committed():
        register(room, first_name="Ada", email="ada@example.com")
        register(room, first_name="Bob", email="bob@example.com")
    smtp_server.received.clear()
    ended_at = room.starts_at + timedelta(hours=1)
    run_session(room, ended_at=ended_at, attendees=[("Ada L.", "ADA@example.com"), ("Host", "")])
    assert Participant.objects.count() == 2
    with committed():
        assert sweep(ended_at + FOLLOW_UP_DELAY - timedelta(minutes=1)) == 0  # the host may come back
    with committed():
        assert sweep(ended_at + FOLLOW_UP_DELAY + timedelta(minutes=1)) == 2
    messages = {m["To"]: m for m in smtp_server.messages()}
    assert messages["ada@example.com"]["Subject"] == f"Thank you for attending {room.name}"
    assert messages["bob@example.com"]["Subject"] == f"Sorry we missed you at {room.name}"
    for message in messages.values():
        body = text_of(message)
        assert "Slides: https://example.com/s" in body
        assert message["List-Unsubscribe"].strip().strip("<>") in body  # the same unsubscribe link, in both places
    smtp_server.received.clear()
    with committed():
        assert sweep(ended_at + FOLLOW_UP_DELAY + timedelta(minutes=5)) == 0
    assert smtp_server.received == []


def test_no_follow_up_when_switched_off_unsubscribed_or_only_rehearsed(owner, smtp_server, committed):
    room = make_registration_room(owner, follow_up_enabled=True)
    with committed():
        register(room, email="ada@example.com")
        register(room, email="bob@example.com")
    do_unsubscribe(room.account, "BOB@example.com")
    smtp_server.received.clear()
    rehearsal_end = room.starts_at - timedelta(hours=2)
    run_session(room, ended_at=rehearsal_end, attendees=[("Host", "")])
    with committed():
        assert sweep(rehearsal_end + timedelta(minutes=30)) == 0
    Session.objects.filter(room=room).update(ended_at=room.starts_at + timedelta(hours=1))
    with committed():
        assert sweep(room.starts_at + timedelta(hours=1, minutes=15)) == 1
    assert only_message(smtp_server, "ada@example.com")["Subject"].startswith("Sorry we missed you")


def test_follow_ups_wait_while_a_session_of_the_room_is_live(owner, smtp_server, committed):
    room = make_registration_room(owner, follow_up_enabled=True)
    with committed():
        register(room)
    ended_at = room.starts_at + timedelta(hours=1)
    run_session(room, ended_at=ended_at, attendees=[("Ada", "ada@example.com")])
    Session.objects.create(room=room, started_at=ended_at + timedelta(minutes=5))  # the host came back
    with committed():
        assert sweep(ended_at + timedelta(minutes=30)) == 0
