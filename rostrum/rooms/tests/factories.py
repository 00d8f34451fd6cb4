from datetime import timedelta

from django.db import transaction
from django.utils import timezone

from rostrum.rooms.forms import RoomForm


def make_room(membership, **overrides):
    """A room created through the same form and action a host uses."""
    from rostrum.rooms.actions import check_create_room

    starts = overrides.pop("starts_at", timezone.now() + timedelta(days=2))
    data = {
        "room_type": "webinar",
        "name": "Onboarding webinar",
        "starts_at_local": starts.astimezone(timezone.get_default_timezone()).strftime("%Y-%m-%dT%H:%M"),
        "duration_minutes": 60,
        "timezone": "UTC",
        "access_type": "open",
        "lobby_enabled": True,
        "lobby_description": "Grab a coffee, we start soon.",
        **overrides,
    }
    form = RoomForm(data, account=membership.account)
    assert form.is_valid(), form.errors
    with transaction.atomic():
        return check_create_room(membership, form)
