"""A scripted session's report: exact durations, concurrency, the per-minute series, engagement."""

from datetime import UTC, datetime, timedelta

import pytest
from django.apps import apps

from rostrum.reports.session_report import build_session_report
from rostrum.reports.tests.conftest import START
from rostrum.rooms import session_actions
from rostrum.rooms.models import Attendance, Participant
from rostrum.rooms.tests.factories import make_room

# Per minute from 17:00: the host alone, then Ann, Ben, Cat come and go (see conftest).
EXPECTED_PER_MINUTE = [1] * 2 + [2] * 3 + [3] * 5 + [4] * 2 + [3] * 8 + [2] * 20 + [1] * 5 + [2] * 15


def minutes(value: float) -> timedelta:
    return timedelta(minutes=value)


@pytest.mark.django_db
def test_attendees_have_merged_connections_first_join_last_leave_and_time(scripted):
    report = build_session_report(scripted["session"])
    rows = {row.name: row for row in report.attendees}
    assert list(rows) == ["Hanna Host", "Ann", "Ben", "Cat", "Dan"]
    ann = rows["Ann"]
    # Two tabs overlapping 25-30: 2-40 is 38 minutes, not 28 + 15.
    assert (ann.first_joined_at, ann.last_left_at) == (START + minutes(2), START + minutes(40))
    assert (ann.time_connected, ann.connections, ann.email) == (minutes(38), 2, "ann@example.com")
    assert (rows["Ben"].time_connected, rows["Ben"].connections) == (minutes(30), 2)
    assert rows["Ben"].last_left_at == START + minutes(60)
    assert rows["Cat"].time_connected == minutes(2)
    assert (rows["Hanna Host"].time_connected, rows["Hanna Host"].role) == (minutes(60), "host")
    assert rows["Ann"].browsers == "Firefox 128 on Linux"
    dan = rows["Dan"]
    assert (dan.connections, dan.first_joined_at, dan.time_connected) == (0, None, timedelta())


@pytest.mark.django_db
def test_connected_per_minute_and_the_peak(scripted):
    report = build_session_report(scripted["session"])
    assert report.bucket_size == minutes(1)
    assert [bucket.starts_at for bucket in report.attendance_series[:2]] == [START, START + minutes(1)]
    assert [bucket.connected for bucket in report.attendance_series] == EXPECTED_PER_MINUTE
    assert report.summary.peak_concurrent == 4  # minutes 10 and 11: everyone


@pytest.mark.django_db
def test_engagement_summary_counts_the_attendees(scripted):
    summary = build_session_report(scripted["session"]).summary
    assert (summary.participants_connected, summary.attendees_connected) == (4, 3)
    assert summary.average_time_attended == minutes(70 / 3)  # (38 + 30 + 2) / 3 = 23:20
    assert (summary.chatted.count, summary.chatted.percent) == (2, 66.7)  # Ann, Ben
    assert (summary.asked.count, summary.asked.percent) == (2, 66.7)
    assert (summary.voted.count, summary.voted.percent) == (3, 100.0)
    assert (summary.clicked.count, summary.clicked.percent) == (2, 66.7)


@pytest.mark.django_db
def test_chat_questions_poll_and_clicks(scripted):
    report = build_session_report(scripted["session"])
    assert [(m.author, m.audience, m.text) for m in report.chat] == [
        ("Hanna Host", "everyone", "Welcome, everyone!"),
        ("Ann", "organisers", "Can I get the slides?"),
        ("Ben", "everyone", "=SUM(A1:A9)"),
    ]  # Ann's private message to Ben is theirs alone
    assert [(q.text, q.author, q.is_answered, q.answer, q.answered_by) for q in report.questions] == [
        ("Will there be a recording?", "Ann", True, "Yes, tomorrow.", "Hanna Host"),
        ("What does it cost?", "Ben", False, "", ""),
    ]
    [poll] = report.polls
    assert (poll.question, poll.ballots) == ("Which topic next?", 3)
    assert [(o.text, o.votes, o.percent) for o in poll.options] == [
        ("Pricing", 1, 33.3),
        ("Roadmap", 2, 66.7),
        ("Hiring", 0, 0.0),
    ]
    [cta] = report.calls_to_action
    assert (cta.text, cta.url, cta.clicks, cta.unique_clickers) == (
        "Get the slides",
        "https://example.com/slides",
        2,
        2,
    )


@pytest.mark.django_db
def test_registrants_who_did_not_connect_are_listed(scripted):
    if not apps.is_installed("rostrum.registration"):
        pytest.skip("the registration app is not installed")
    from rostrum.registration.models import Registrant

    room = scripted["room"]
    for first, email, status in (
        ("Ann", "ANN@Example.com", "approved"),  # came: e-mail addresses compare case-insensitively
        ("Dan", "dan@example.com", "approved"),  # opened the room page but never connected
        ("Erin", "erin@example.com", "pending"),
        ("Rita", "rita@example.com", "rejected"),  # never let in: not "absent"
    ):
        Registrant.objects.create(
            room=room, first_name=first, last_name="Doe", email=email, status=status, language="en"
        )
    absent = build_session_report(scripted["session"]).absent_registrants
    assert [(r.name, r.email, r.status) for r in absent] == [
        ("Dan Doe", "dan@example.com", "approved"),
        ("Erin Doe", "erin@example.com", "pending"),
    ]


@pytest.mark.django_db
def test_the_page_shows_every_section_and_the_chart(client_for, owner, scripted, report_url):
    response = client_for(owner.user).get(report_url())
    assert response.status_code == 200
    page = response.content.decode()
    for heading in ("Summary", "Attendance over time", "Attendees", "Chat", "Questions", "Polls", "Calls to action"):
        assert f">{heading}</h2>" in page
    assert '<svg role="img" aria-labelledby="attendance-chart-title attendance-chart-desc"' in page
    assert '<title id="attendance-chart-title">Attendance over time</title>' in page
    assert "At most 4 were connected at once." in page
    assert page.count("<rect ") == 60  # one bar per minute
    assert '<th scope="row">17:10</th><td>4</td>' in page  # the chart's table alternative
    assert "0:38:00" in page and "0:23:20" in page  # Ann's time; the average
    assert "psst" not in page
    assert "66.7 %" in page and "Roadmap" in page and "Get the slides" in page
    assert "Yes, tomorrow." in page
    for suffix in ("report.pdf", "report.xlsx", "report.zip", "chat.csv"):
        assert f'href="{report_url(suffix)}' in page


@pytest.mark.django_db
def test_a_live_session_counts_an_open_connection_until_now(owner):
    room = make_room(owner, name="Live now")
    ann = session_actions.do_join(room, key="a", display_name="Ann", role="attendee")
    _pk, _session, attendance_id, _viewer = session_actions.do_open_attendance(ann.pk, "")
    joined = datetime(2025, 1, 1, 10, 0, tzinfo=UTC)
    Attendance.objects.filter(pk=attendance_id).update(joined_at=joined)
    report = build_session_report(ann.session, now=joined + minutes(7))
    [row] = report.attendees
    assert (row.is_connected, row.last_left_at, row.time_connected) == (True, None, minutes(7))
    assert [bucket.connected for bucket in report.attendance_series] == [1] * 7


@pytest.mark.django_db
def test_the_report_takes_the_same_queries_however_many_came(scripted, django_assert_num_queries):
    session = scripted["session"]
    with django_assert_num_queries(13) as before:
        build_session_report(session)
    for number in range(5):  # the session has ended, so joining would open a new one: add them to it
        newcomer = Participant.objects.create(session=session, key=f"n{number}", display_name=f"New {number}")
        session_actions.do_open_attendance(newcomer.pk, "")
    with django_assert_num_queries(len(before.captured_queries)):
        assert len(build_session_report(session).attendees) == 10
