"""The account dashboard: sessions, attendees, time attended and the weekly trend, for a period."""

from datetime import timedelta

import pytest
from django.utils import timezone

from conftest import add_member
from rostrum.accounts.constants import Role
from rostrum.reports.dashboard import build_account_dashboard
from rostrum.reports.session_report import build_session_report
from rostrum.reports.tests.conftest import play_session
from rostrum.rooms import session_actions
from rostrum.rooms.tests.factories import make_room


@pytest.fixture
def history(owner, other_owner):
    """Two sessions of ours in the last 30 days, one 40 days ago, one of another account, one not started."""
    now = timezone.now()
    recent = play_session(owner, "Spring launch", now - timedelta(days=3))
    earlier = play_session(owner, "Winter review", now - timedelta(days=10))
    play_session(owner, "Autumn kick-off", now - timedelta(days=40))
    play_session(other_owner, "Their webinar", now - timedelta(days=2))
    session_actions.current_session(make_room(owner, name="Not started yet"))
    return {"recent": recent, "earlier": earlier}


@pytest.mark.django_db
def test_figures_for_the_last_30_days(owner, history):
    figures = build_account_dashboard(owner.account, 30)
    assert figures.sessions_held == 2
    # Ann, Ben and Cat connected to each; Ann and Ben came back under the same e-mail, Cat gave none.
    assert (figures.total_attendees, figures.unique_attendees) == (6, 4)
    # Each attendee's connections merged, as in the session report: Ann 2-30 and 25-40 (two tabs at
    # once from 25 to 30) count 38, Ben 15 + 15, Cat 2 = 70 minutes a session, as the report says.
    assert figures.average_time_attended == timedelta(minutes=70 / 3)
    report = build_session_report(history["recent"]["session"])
    assert report.summary.average_time_attended == figures.average_time_attended
    assert sum(week.sessions for week in figures.weeks) == 2
    assert sum(week.attendees for week in figures.weeks) == 6
    assert all(week.starts_on.weekday() == 0 for week in figures.weeks) and 5 <= len(figures.weeks) <= 6
    assert [line.session.room.name for line in figures.latest_sessions] == ["Spring launch", "Winter review"]
    assert [line.attendees for line in figures.latest_sessions] == [3, 3]


@pytest.mark.django_db
def test_a_longer_period_takes_in_older_sessions(owner, history):
    figures = build_account_dashboard(owner.account, 90)
    assert (figures.sessions_held, figures.total_attendees, figures.unique_attendees) == (3, 9, 5)
    assert 13 <= len(figures.weeks) <= 14


@pytest.mark.django_db
def test_the_figures_take_a_bounded_number_of_queries(owner, history, django_assert_max_num_queries):
    with django_assert_max_num_queries(7):
        build_account_dashboard(owner.account, 90)


@pytest.mark.django_db
def test_the_dashboard_page_shows_figures_chart_and_links_to_reports(client_for, owner, history):
    response = client_for(owner.user).get("/dashboard/?days=30")
    page = response.content.decode()
    assert response.context["figures"].sessions_held == 2
    assert "Your sessions in the last 30 days" in page
    assert '<svg role="img" aria-labelledby="sessions-chart-title sessions-chart-desc"' in page
    assert '<title id="attendees-chart-title">Attendees per week</title>' in page
    assert "0:23:20" in page
    recent = history["recent"]
    assert f'href="/rooms/{recent["room"].pk}/sessions/{recent["session"].pk}/"' in page
    assert "Their webinar" not in page  # (Autumn kick-off is among the latest rooms, not the sessions)
    assert '<option value="90">' in page and '<option value="30" selected>' in page
    assert client_for(owner.user).get("/dashboard/?days=90").context["figures"].sessions_held == 3
    assert client_for(owner.user).get("/dashboard/?days=7").context["figures"].days == 30  # not a choice


@pytest.mark.django_db
def test_a_new_account_sees_an_empty_state(client_for, other_owner):
    response = client_for(other_owner.user).get("/dashboard/")
    page = response.content.decode()
    assert response.context["figures"].sessions_held == 0
    assert "No session was held in this period." in page
    assert "<svg" not in page


@pytest.mark.django_db
def test_analysts_see_the_figures(client_for, owner, history):
    analyst = add_member(owner, "analyst@acme.example", Role.ANALYST)
    assert client_for(analyst.user).get("/dashboard/").context["figures"].total_attendees == 6
