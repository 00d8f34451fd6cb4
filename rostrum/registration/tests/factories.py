"""Registration rooms and registrants, made through the same forms and actions people use."""

from datetime import timedelta

from django.db import transaction
from django.utils import timezone

from rostrum.registration import actions
from rostrum.registration.access import settings_of
from rostrum.registration.forms import RegistrationForm
from rostrum.rooms.tests.factories import make_room


def make_registration_room(membership, *, room=None, starts_at=None, **registration_fields):
    """A room (starting in 3 days unless told) with registration on; returns the room."""
    room = room or make_room(membership, starts_at=starts_at or timezone.now() + timedelta(days=3))
    registration = settings_of(room)
    registration.enabled = True
    for name, value in registration_fields.items():
        setattr(registration, name, value)
    registration.save()
    return room


def register(room, *, first_name="Ada", last_name="Lovelace", email="ada@example.com", language="en", **data):
    """Register through the public form's validation and the action; the form's errors fail the test."""
    registration = settings_of(room)
    form = RegistrationForm(
        {"first_name": first_name, "last_name": last_name, "email": email, "timezone": "Europe/Warsaw", **data},
        room=room,
        registration=registration,
        fields=room.registration_fields.all(),
    )
    assert form.is_valid(), form.errors
    with transaction.atomic():
        return actions.check_register(room, form, language=language)
