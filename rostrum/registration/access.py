"""Fetching registration things with the security check built in: another account's id is not found."""

from django.shortcuts import get_object_or_404

from rostrum.registration.models import Registrant, RegistrationField, RegistrationSettings
from rostrum.rooms.access import access_room_by_id
from rostrum.rooms.models import Room


def settings_of(room: Room) -> RegistrationSettings:
    """The room's registration settings; for a room that never had any, unsaved defaults (off).
    Reading never writes: the public page is opened by anyone."""
    return RegistrationSettings.objects.filter(room=room).first() or RegistrationSettings(room=room)


def access_registrant_by_id(membership, room_id: int, registrant_id: int, permission: str = "manage_rooms"):
    room = access_room_by_id(membership, room_id, permission)
    return get_object_or_404(Registrant.objects.select_related("room__account"), room=room, pk=registrant_id)


def access_field_by_id(membership, room_id: int, field_id: int) -> RegistrationField:
    room = access_room_by_id(membership, room_id, "manage_rooms")
    return get_object_or_404(RegistrationField, room=room, pk=field_id)


def is_registration_required(room: Room) -> bool:
    """True when people enter this room through its registration page and their personal links."""
    return RegistrationSettings.objects.filter(room=room, enabled=True).exists()
