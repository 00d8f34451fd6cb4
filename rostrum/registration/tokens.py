"""Personal join links: signed over the registrant's id, the room's id and the registrant's nonce.

The signature makes them unguessable and binds them to one registrant of one room; a new nonce
revokes a link. They do not expire: a registrant may come back to a permanent room.
"""

from django.core import signing
from django.urls import reverse
from django.utils.crypto import constant_time_compare

from rostrum.registration.constants import JOIN_TOKEN_SALT
from rostrum.registration.models import Registrant
from rostrum.rooms.models import Room


def make_join_token(registrant: Registrant) -> str:
    return signing.dumps([registrant.pk, registrant.room_id, registrant.nonce], salt=JOIN_TOKEN_SALT, compress=True)


def join_path(registrant: Registrant) -> str:
    room = registrant.room
    return reverse("registration_join", args=[room.account.slug, room.slug, make_join_token(registrant)])


def registrant_for_token(room: Room, token: str) -> Registrant | None:
    """The registrant this room's link names, whatever their status; None for any other token."""
    try:
        registrant_id, room_id, nonce = signing.loads(token, salt=JOIN_TOKEN_SALT)
    except (signing.BadSignature, ValueError, TypeError):
        return None
    if room_id != room.pk:
        return None
    registrant = Registrant.objects.filter(pk=registrant_id, room=room).first()
    if registrant is None or not constant_time_compare(str(nonce), registrant.nonce):
        return None
    return registrant
