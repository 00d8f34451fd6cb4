"""A session played through the real actions, then its connections set to known times.

Minutes after START (the session runs 0-60, then ends):
  Hanna (host)  0-60
  Ann           2-30 and, from a second tab, 25-40    → 38 minutes, 2 connections
  Ben           5-20 and 45-60                        → 30 minutes, 2 connections
  Cat          10-12                                  →  2 minutes
  Dan           opened the room page, never connected
"""

from datetime import UTC, datetime, timedelta

import pytest
from django.db import transaction

from rostrum.engagement.actions.chat import check_post_message
from rostrum.engagement.actions.cta import check_click_cta, check_show_cta
from rostrum.engagement.actions.polls import check_close_poll, check_create_poll, check_launch_poll, check_vote
from rostrum.engagement.actions.qa import check_answer_question, check_ask_question
from rostrum.live.context import LiveContext
from rostrum.rooms import session_actions
from rostrum.rooms.models import Attendance, Participant, Session
from rostrum.rooms.tests.factories import make_room

START = datetime(2025, 3, 10, 17, 0, tzinfo=UTC)
FIREFOX = "Mozilla/5.0 (X11; Linux x86_64; rv:128.0) Gecko/20100101 Firefox/128.0"
CONNECTIONS = {"host": [(0, 60)], "ann": [(2, 30), (25, 40)], "ben": [(5, 20), (45, 60)], "cat": [(10, 12)]}


def context_of(participant: Participant) -> LiveContext:
    participant = Participant.objects.select_related("session__room__account").get(pk=participant.pk)
    return LiveContext(participant=participant, session=participant.session)


def act(action, participant, *args, **kwargs):
    with transaction.atomic():
        return action(context_of(participant), *args, **kwargs)


def connect(participant, joined_minutes: int, left_minutes: int, start: datetime = START) -> None:
    """A connection opened and closed as the socket does, then moved to the minutes given."""
    _pk, _session, attendance_id, _viewer = session_actions.do_open_attendance(participant.pk, FIREFOX)
    session_actions.do_close_attendance(attendance_id)
    Attendance.objects.filter(pk=attendance_id).update(
        joined_at=start + timedelta(minutes=joined_minutes), left_at=start + timedelta(minutes=left_minutes)
    )


def play_session(owner, name: str = "Spring launch", start: datetime = START) -> dict:
    room = make_room(owner, name=name, room_type="meeting")
    join = session_actions.do_join
    people = {
        "host": join(
            room, key="h", display_name="Hanna Host", role="host", user=owner.user, email="hanna@acme.example"
        ),
        "ann": join(room, key="a", display_name="Ann", role="attendee", email="ann@example.com"),
        "ben": join(room, key="b", display_name="Ben", role="attendee", email="ben@example.com"),
        "cat": join(room, key="c", display_name="Cat", role="attendee"),
        "dan": join(room, key="d", display_name="Dan", role="attendee", email="dan@example.com"),
    }
    host, ann, ben, cat = people["host"], people["ann"], people["ben"], people["cat"]
    act(session_actions.check_start_session, host)
    for key, spans in CONNECTIONS.items():
        for joined, left in spans:
            connect(people[key], joined, left, start)
    act(check_post_message, host, "Welcome, everyone!")
    act(check_post_message, ann, "Can I get the slides?", "organisers")
    act(check_post_message, ann, "psst, just between us", ben.pk)  # left out of reports
    act(check_post_message, ben, "=SUM(A1:A9)")
    question = act(check_ask_question, ann, "Will there be a recording?")
    act(check_answer_question, host, question.pk, "Yes, tomorrow.", private=False)
    act(check_ask_question, ben, "What does it cost?")
    poll = act(check_create_poll, host, "Which topic next?", "single", ["Pricing", "Roadmap", "Hiring"])
    act(check_launch_poll, host, poll.pk)
    pricing, roadmap, _hiring = poll.options.order_by("position")
    for voter, option in ((ann, roadmap), (ben, roadmap), (cat, pricing)):
        act(check_vote, voter, poll.pk, [option.pk])
    act(check_close_poll, host, poll.pk)
    cta = act(check_show_cta, host, "Get the slides", "https://example.com/slides", 60)
    for clicker in (ann, ben, ann):  # Ann's second click is not counted again
        act(check_click_cta, clicker, cta.pk)
    act(session_actions.check_end_session, host)
    Session.objects.filter(pk=host.session_id).update(started_at=start, ended_at=start + timedelta(minutes=60))
    session = Session.objects.select_related("room").get(pk=host.session_id)
    return {"room": room, "session": session, **people}


@pytest.fixture
def scripted(owner):
    return play_session(owner)


@pytest.fixture
def report_url(scripted):
    def _url(suffix: str = "") -> str:
        return f"/rooms/{scripted['room'].pk}/sessions/{scripted['session'].pk}/{suffix}"

    return _url
