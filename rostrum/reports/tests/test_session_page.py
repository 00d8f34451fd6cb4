"""After a session: the room page lists its sessions; each has an attendance report and the chat as CSV."""

import csv
import io
from datetime import UTC, datetime, timedelta

import pytest
from django.db import transaction

from conftest import add_member
from rostrum.accounts.constants import Role
from rostrum.engagement.actions.chat import check_delete_message, check_post_message
from rostrum.live.context import LiveContext
from rostrum.reports.formatting import browser_of, format_duration, spreadsheet_safe
from rostrum.rooms import session_actions
from rostrum.rooms.models import Attendance, Participant
from rostrum.rooms.tests.factories import make_room

FIREFOX_LINUX = "Mozilla/5.0 (X11; Linux x86_64; rv:128.0) Gecko/20100101 Firefox/128.0"
CHROME_WINDOWS = (
    "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/126.0.0.0 Safari/537.36"
)
EDGE_WINDOWS = CHROME_WINDOWS + " Edg/126.0.2592.68"
SAFARI_IPHONE = (
    "Mozilla/5.0 (iPhone; CPU iPhone OS 17_5 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) "
    "Version/17.5 Mobile/15E148 Safari/604.1"
)
CHROME_ANDROID = (
    "Mozilla/5.0 (Linux; Android 14; Pixel 8) AppleWebKit/537.36 (KHTML, like Gecko) "
    "Chrome/126.0.6478.71 Mobile Safari/537.36"
)
START = datetime(2025, 3, 10, 17, 0, tzinfo=UTC)  # in the past: an open connection counts until now


def context_of(participant: Participant) -> LiveContext:
    participant = Participant.objects.select_related("session__room__account").get(pk=participant.pk)
    return LiveContext(participant=participant, session=participant.session)


def join(room, key, name, role="attendee", **fields):
    return session_actions.do_join(room, key=key, display_name=name, role=role, **fields)


def connect(participant, user_agent, joined_minutes, left_minutes=None):
    """A connection opened and closed as the socket does, at the minutes after START given."""
    _pk, _session, attendance_id, _viewer = session_actions.do_open_attendance(participant.pk, user_agent)
    left_at = START + timedelta(minutes=left_minutes) if left_minutes is not None else None
    Attendance.objects.filter(pk=attendance_id).update(
        joined_at=START + timedelta(minutes=joined_minutes), left_at=left_at
    )


def post(participant, text, to=None):
    with transaction.atomic():
        return check_post_message(context_of(participant), text, to)


@pytest.fixture
def held(owner):
    """A webinar held: the host (logged in), two attendees who wrote, one who never connected."""
    room = make_room(owner, name="Spring launch")
    host = join(room, "h", "Hanna Host", "host", user=owner.user, email="hanna@acme.example")
    ann = join(room, "a", "Ann")
    schemer = join(room, "s", '=HYPERLINK("https://evil.example","click")')
    lurker = join(room, "l", "Larry Lurker")
    with transaction.atomic():
        session_actions.check_start_session(context_of(host))
    connect(host, FIREFOX_LINUX, 0, 65)
    connect(ann, CHROME_WINDOWS, 2, 10)
    connect(ann, SAFARI_IPHONE, 12)  # still connected when the report was read
    connect(schemer, "curl/8.0", 3, 4)
    post(host, "Welcome, everyone!")
    post(ann, "Can I get the slides?", to="organisers")
    post(host, "Sure, Ann", to=ann.pk)
    spam = post(schemer, "=1+2")
    post(schemer, "-2+3, @SUM(A1:A2)\tand more")
    with transaction.atomic():
        check_delete_message(context_of(host), spam.pk)
    return {"room": room, "session": host.session, "host": host, "ann": ann, "schemer": schemer, "lurker": lurker}


def report_url(held, suffix=""):
    return f"/rooms/{held['room'].pk}/sessions/{held['session'].pk}/{suffix}"


def chat_rows(response) -> list[list[str]]:
    return list(csv.reader(io.StringIO(response.content.decode())))


@pytest.mark.django_db
def test_chat_downloads_as_csv_with_private_and_deleted_messages(client_for, owner, held):
    response = client_for(owner.user).get(report_url(held, "chat.csv"))
    assert response.status_code == 200
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    number, session_id = held["room"].number, held["session"].pk
    assert response["Content-Disposition"] == f'attachment; filename="room-{number}-session-{session_id}-chat.csv"'
    rows = chat_rows(response)
    assert rows[0] == ["time", "author", "role", "to", "text", "deleted"]
    assert [row[1:] for row in rows[1:]] == [
        ["Hanna Host", "host", "everyone", "Welcome, everyone!", "no"],
        ["Ann", "attendee", "organisers", "Can I get the slides?", "no"],
        ["Hanna Host", "host", "Ann", "Sure, Ann", "no"],
        ['\'=HYPERLINK("https://evil.example","click")', "attendee", "everyone", "'=1+2", "yes"],
        ['\'=HYPERLINK("https://evil.example","click")', "attendee", "everyone", "'-2+3, @SUM(A1:A2)\tand more", "no"],
    ]
    first_at = datetime.fromisoformat(rows[1][0])
    assert first_at.tzinfo is not None


@pytest.mark.parametrize(
    ("value", "safe"),
    [
        ("=1+2", "'=1+2"),
        ("+1", "'+1"),
        ("-1", "'-1"),
        ("@SUM(A1)", "'@SUM(A1)"),
        ("\t=1", "'\t=1"),
        ("\r=1", "'\r=1"),
        ("plain text = fine", "plain text = fine"),
        ("", ""),
    ],
)
def test_cells_that_a_spreadsheet_would_run_are_kept_as_text(value, safe):
    assert spreadsheet_safe(value) == safe


@pytest.mark.django_db
def test_a_recipients_name_is_kept_as_text_too(client_for, owner):
    room = make_room(owner, name="Team sync", room_type="meeting")
    host = join(room, "h", "Host", "host")
    plotter = join(room, "p", "+Plotter")
    with transaction.atomic():
        session_actions.check_start_session(context_of(host))
    post(host, "hello", to=plotter.pk)
    response = client_for(owner.user).get(f"/rooms/{room.pk}/sessions/{host.session_id}/chat.csv")
    assert chat_rows(response)[1][1:] == ["Host", "host", "'+Plotter", "hello", "no"]


@pytest.mark.django_db
def test_attendance_shows_each_participant_with_time_connected_and_browsers(client_for, owner, held):
    response = client_for(owner.user).get(report_url(held))
    assert response.status_code == 200
    rows = response.context["report"].attendees
    assert [(row.name, row.connections, row.browsers) for row in rows] == [
        ("Hanna Host", 1, "Firefox 128 on Linux"),
        ("Ann", 2, "Chrome 126 on Windows, Safari 17 on iOS"),
        ('=HYPERLINK("https://evil.example","click")', 1, ""),
        ("Larry Lurker", 0, ""),
    ]
    host, ann, schemer, lurker = rows
    assert (host.first_joined_at, host.last_left_at) == (START, START + timedelta(minutes=65))
    assert host.time_connected == timedelta(minutes=65) and schemer.time_connected == timedelta(minutes=1)
    # Ann's phone is still connected: it counts until now, and she has no last leave yet.
    assert ann.is_connected and ann.last_left_at is None and ann.time_connected > timedelta(days=1)
    assert lurker.time_connected == timedelta() and lurker.first_joined_at is None
    page = response.content.decode()
    assert "hanna@acme.example" in page
    assert "Firefox 128 on Linux" in page and "Safari 17 on iOS" in page
    assert "1:05:00" in page and "0:01:00" in page
    assert "Still connected" in page  # Ann on her phone
    assert "Did not connect" in page  # Larry opened the room page only
    assert '<th scope="col">Browser</th>' in page and '<th scope="row">Ann</th>' in page
    assert "&quot;https://evil.example&quot;" in page  # names are escaped, not markup
    assert f'href="{report_url(held, "chat.csv")}"' in page
    assert response.context["report"].summary.participants_connected == 3


@pytest.mark.django_db
def test_a_session_nobody_attended_says_so(client_for, owner):
    room = make_room(owner, name="Quiet room")
    session = session_actions.current_session(room)
    page = client_for(owner.user).get(f"/rooms/{room.pk}/sessions/{session.pk}/").content.decode()
    assert "Nobody took part in this session." in page
    assert "Nobody wrote in the chat." in page
    assert "Nobody connected, so there is nothing to draw." in page
    assert "<table" not in page and "<svg" not in page


@pytest.mark.django_db
def test_room_page_lists_its_sessions_with_their_participants(client_for, owner, held):
    page = client_for(owner.user).get(f"/rooms/{held['room'].pk}/").content.decode()
    assert "Sessions" in page
    assert f'href="{report_url(held)}"' in page
    assert "<td>4</td>" in page  # everyone who came into the room page
    assert "Live now" in page


@pytest.mark.django_db
def test_room_page_without_sessions_says_so(client_for, owner):
    room = make_room(owner, name="Not yet used")
    page = client_for(owner.user).get(f"/rooms/{room.pk}/").content.decode()
    assert "No sessions yet." in page


@pytest.mark.django_db
def test_analysts_read_the_reports(client_for, owner, held):
    analyst = add_member(owner, "analyst@acme.example", Role.ANALYST)
    reader = client_for(analyst.user)
    assert reader.get(report_url(held)).status_code == 200
    assert reader.get(report_url(held, "chat.csv")).status_code == 200


@pytest.mark.django_db
@pytest.mark.parametrize("suffix", ["", "chat.csv"])
def test_another_accounts_sessions_and_other_rooms_sessions_are_not_found(client_for, owner, other_owner, held, suffix):
    intruder = client_for(other_owner.user)
    assert intruder.get(report_url(held, suffix)).status_code == 404
    their_room = make_room(other_owner, name="Theirs")
    # Their own room's id does not open our session either.
    assert intruder.get(f"/rooms/{their_room.pk}/sessions/{held['session'].pk}/{suffix}").status_code == 404
    # Our room with a session of another of our rooms: not found.
    other_room = make_room(owner, name="Another of ours")
    other_session = session_actions.current_session(other_room)
    me = client_for(owner.user)
    assert me.get(f"/rooms/{held['room'].pk}/sessions/{other_session.pk}/{suffix}").status_code == 404
    assert me.get(f"/rooms/{held['room'].pk}/sessions/999999/{suffix}").status_code == 404


@pytest.mark.django_db
def test_reports_are_read_only(client_for, owner, held):
    me = client_for(owner.user)
    assert me.post(report_url(held)).status_code == 405
    assert me.post(report_url(held, "chat.csv")).status_code == 405


@pytest.mark.parametrize(
    ("user_agent", "name"),
    [
        (FIREFOX_LINUX, "Firefox 128 on Linux"),
        (CHROME_WINDOWS, "Chrome 126 on Windows"),
        (EDGE_WINDOWS, "Edge 126 on Windows"),
        (SAFARI_IPHONE, "Safari 17 on iOS"),
        (CHROME_ANDROID, "Chrome 126 on Android"),
        ("Mozilla/5.0 (Macintosh; Intel Mac OS X 14_5) AppleWebKit/605.1.15 Version/17.5 Safari/605.1.15",
         "Safari 17 on macOS"),
        ("curl/8.0", ""),
        ("", ""),
    ],
)  # fmt: skip
def test_browsers_are_named_from_the_user_agent(user_agent, name):
    assert browser_of(user_agent) == name


def test_durations_read_as_hours_minutes_seconds():
    assert format_duration(timedelta(hours=1, minutes=5, seconds=9)) == "1:05:09"
    assert format_duration(timedelta(seconds=42)) == "0:00:42"
    assert format_duration(None) == ""


@pytest.mark.django_db
def test_private_messages_between_attendees_stay_out_of_the_chat_csv(client_for, owner):
    room = make_room(owner, name="Team meeting", room_type="meeting")
    host, ann, ben = join(room, "h", "Host", "host"), join(room, "a", "Ann"), join(room, "b", "Ben")
    with transaction.atomic():
        session_actions.check_start_session(context_of(host))
    for participant in (ann, ben):
        participant.refresh_from_db()
    post(ann, "just between us", to=ben.pk)
    post(ann, "hello all")
    response = client_for(owner.user).get(f"/rooms/{room.pk}/sessions/{host.session.pk}/chat.csv")
    assert [row[4] for row in chat_rows(response)[1:]] == ["hello all"]
