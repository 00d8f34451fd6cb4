"""Domain events reach listeners only after the transaction that raised them commits."""

import pytest
from django.db import transaction

from rostrum.core import events
from rostrum.live.context import LiveContext
from rostrum.registration.tests.factories import make_registration_room, register
from rostrum.rooms import session_actions
from rostrum.rooms.models import Participant
from rostrum.rooms.tests.factories import make_room


@pytest.fixture
def heard():
    """Every domain event dispatched during the test, as (account, name, payload)."""
    caught = []

    def listener(sender, *, account, name, payload, **kwargs):
        caught.append((account, name, payload))

    events.domain_event.connect(listener)
    yield caught
    events.domain_event.disconnect(listener)


@pytest.mark.django_db
def test_an_event_is_dispatched_only_once_its_transaction_commits(owner, heard, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True), transaction.atomic():
        events.emit(owner.account, events.SESSION_STARTED, {"n": 1})
        assert heard == []  # not yet: still inside the transaction
    assert heard == [(owner.account, events.SESSION_STARTED, {"n": 1})]


@pytest.mark.django_db(transaction=True)
def test_a_rolled_back_registration_emits_nothing(owner, heard):
    room = make_registration_room(owner)
    with pytest.raises(RuntimeError), transaction.atomic():
        register(room, email="ghost@example.com")
        raise RuntimeError("the request failed after registering")
    assert heard == []
    register(room, email="ada@example.com")  # the control: a committed one is heard
    assert [name for _account, name, _payload in heard] == [events.REGISTRATION_CREATED]


@pytest.mark.django_db(transaction=True)
def test_a_listener_that_fails_does_not_break_the_action(owner, heard):
    def broken(**kwargs):
        raise ValueError("listener bug")

    events.domain_event.connect(broken)
    try:
        registrant = register(make_registration_room(owner), email="ada@example.com")
    finally:
        events.domain_event.disconnect(broken)
    assert registrant.pk and len(heard) == 1


def test_unknown_event_names_are_refused():
    with pytest.raises(ValueError):
        events.emit(None, "registration.made", {})


@pytest.mark.django_db(transaction=True)
def test_registration_payload_names_the_room_and_the_registrant(owner, heard):
    room = make_registration_room(owner)
    registrant = register(room, first_name="Ada", last_name="Lovelace", email="ada@example.com")
    ((account, name, payload),) = heard
    assert account == owner.account and name == events.REGISTRATION_CREATED
    assert payload["room"] == {"id": room.pk, "number": room.number, "name": room.name}
    assert payload["registrant"] | {"created_at": None} == {
        "id": registrant.pk,
        "email": "ada@example.com",
        "first_name": "Ada",
        "last_name": "Lovelace",
        "status": "approved",
        "language": "en",
        "created_at": None,
    }
    assert payload["registrant"]["created_at"].endswith("Z")


def context_of(participant) -> LiveContext:
    participant = Participant.objects.select_related("session__room__account").get(pk=participant.pk)
    return LiveContext(participant=participant, session=participant.session)


@pytest.mark.django_db(transaction=True)
def test_a_session_and_its_attendance_emit_started_joined_left_ended(owner, heard):
    room = make_room(owner, name="Spring launch")
    host = session_actions.do_join(room, key="h", display_name="Hanna", role="host", user=owner.user)
    ann = session_actions.do_join(room, key="a", display_name="Ann", role="attendee", email="ann@example.com")
    with transaction.atomic():
        session_actions.check_start_session(context_of(host))
    _pk, _session, attendance_id, _viewer = session_actions.do_open_attendance(ann.pk, "Firefox")
    session_actions.do_close_attendance(attendance_id)
    session_actions.do_close_attendance(attendance_id)  # the socket closing twice: one "left"
    with transaction.atomic():
        session_actions.check_end_session(context_of(host))

    names = [name for _account, name, _payload in heard]
    assert names == [events.SESSION_STARTED, events.ATTENDEE_JOINED, events.ATTENDEE_LEFT, events.SESSION_ENDED]
    started, joined, left, ended = (payload for _account, _name, payload in heard)
    assert started["room"]["number"] == room.number and started["session"]["id"] == ann.session_id
    assert started["session"]["started_at"].endswith("Z") and started["session"]["ended_at"] is None
    assert joined["participant"] == {"id": ann.pk, "name": "Ann", "email": "ann@example.com", "role": "attendee"}
    assert joined["attendance"]["id"] == attendance_id and joined["attendance"]["left_at"] is None
    assert left["attendance"]["left_at"].endswith("Z")
    assert ended["session"]["ended_at"].endswith("Z")
    assert {account for account, _name, _payload in heard} == {owner.account}


@pytest.mark.django_db
def test_an_account_without_webhooks_costs_one_query_and_no_transaction(owner, django_assert_num_queries):
    """Every join and leave emits an event: for the many accounts with no webhook it must stay a read."""
    from rostrum.webhooks.actions import on_domain_event

    with django_assert_num_queries(1):  # a savepoint pair would make it 3
        deliveries = on_domain_event(None, account=owner.account, name=events.ATTENDEE_JOINED, payload={})
    assert deliveries == []
