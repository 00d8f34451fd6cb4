"""The registrant limit holds when two people take the last place at the same moment (PostgreSQL).

The control test shows the race is real: without the room lock both get in.
"""

import contextlib
import threading

import pytest
from django.db import connection

from rostrum.registration import actions
from rostrum.registration.access import settings_of
from rostrum.registration.errors import RegistrationError
from rostrum.registration.models import Registrant
from rostrum.registration.tests.factories import make_registration_room, register

pytestmark = [
    pytest.mark.django_db(transaction=True),
    pytest.mark.skipif(connection.vendor != "postgresql", reason="row locks need PostgreSQL"),
]


def race_for_the_last_place(room, monkeypatch) -> list[str]:
    """Two registrations; each waits (up to a second) for the other after counting the places left."""
    barrier = threading.Barrier(2, timeout=1)
    counted = actions.places_left

    def places_left_then_wait(registration):
        left = counted(registration)
        with contextlib.suppress(threading.BrokenBarrierError):  # the other waits for our lock: go on alone
            barrier.wait()
        return left

    monkeypatch.setattr(actions, "places_left", places_left_then_wait)
    outcomes = []

    def attempt(address):
        try:
            register(room, email=address)
            outcomes.append("registered")
        except RegistrationError as error:
            outcomes.append(error.code)
        finally:
            connection.close()

    threads = [threading.Thread(target=attempt, args=(f"p{n}@example.com",)) for n in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return sorted(outcomes)


def test_two_people_cannot_both_take_the_last_place(owner, monkeypatch):
    room = make_registration_room(owner, max_registrants=1)
    assert race_for_the_last_place(room, monkeypatch) == ["full", "registered"]
    assert Registrant.objects.filter(room=room).count() == 1


def test_control_without_the_room_lock_both_get_in(owner, monkeypatch):
    room = make_registration_room(owner, max_registrants=1)
    monkeypatch.setattr(actions, "_lock_room", settings_of)
    assert race_for_the_last_place(room, monkeypatch) == ["registered", "registered"]
    assert Registrant.objects.filter(room=room).count() == 2
