"""Plan limits hold under concurrent requests (real PostgreSQL; SQLite serialises writers anyway).

Two hosts create a room at the same moment when the plan has room for one more. A barrier inside
the limit check makes both count before either inserts, so the control test shows the race is real
without the lock, and the main test shows the lock closes it.
"""

import contextlib
import threading

import pytest
from django.db import connection, connections, transaction

from rostrum.billing import entitlements
from rostrum.rooms import actions
from rostrum.rooms.errors import RoomsError
from rostrum.rooms.models import Room
from rostrum.rooms.tests.factories import make_room

pytestmark = [
    pytest.mark.django_db(transaction=True),
    pytest.mark.skipif(connection.vendor != "postgresql", reason="row locks need PostgreSQL"),
]


def create_two_rooms_at_once(owner, monkeypatch) -> list[str]:
    allowed = entitlements.limit(owner.account, "rooms")
    for n in range(allowed - 1):
        make_room(owner, name=f"Existing {n}")
    barrier = threading.Barrier(2)
    real_limit = entitlements.limit

    def limit_after_both_arrive(account, name):
        # With the lock held, the other request never arrives: after the timeout, go on alone.
        with contextlib.suppress(threading.BrokenBarrierError):
            barrier.wait(timeout=2)
        return real_limit(account, name)

    monkeypatch.setattr(entitlements, "limit", limit_after_both_arrive)
    outcomes: list[str] = []

    def create(name):
        try:
            with transaction.atomic():
                make_room(owner, name=name)
            outcomes.append("created")
        except RoomsError as error:
            outcomes.append(error.code)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=create, args=(f"Racer {n}",)) for n in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)
    return outcomes


def test_only_one_of_two_simultaneous_rooms_fits_the_plan(owner, monkeypatch):
    outcomes = create_two_rooms_at_once(owner, monkeypatch)
    assert sorted(outcomes) == ["created", "room_limit"]
    assert Room.objects.count() == entitlements.limit(owner.account, "rooms")


def test_control_without_the_lock_both_get_in(owner, monkeypatch):
    monkeypatch.setattr(actions, "lock_account", lambda account: account)
    outcomes = create_two_rooms_at_once(owner, monkeypatch)
    assert outcomes == ["created", "created"]
    assert Room.objects.count() == entitlements.limit(owner.account, "rooms") + 1
