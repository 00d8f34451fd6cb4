"""Presenter links: a host hands one out; whoever opens it enters the room as a presenter."""

from django.core import signing
from django.urls import reverse

SALT = "rostrum.rooms.presenter"
SESSION_KEY = "rostrum_presenter_rooms"
HOST_SESSION_KEY = "rostrum_autologin_host_rooms"  # rooms an auto-login link made this browser a host of


def presenter_path(room) -> str:
    token = signing.dumps({"room": room.pk}, salt=SALT, compress=True)
    return reverse("room_present", args=[room.account.slug, room.slug, token])


def is_valid_presenter_token(room, token: str) -> bool:
    try:
        return signing.loads(token, salt=SALT)["room"] == room.pk
    except (signing.BadSignature, KeyError, TypeError):
        return False


def remember_presenter(request, room) -> None:
    rooms = set(request.session.get(SESSION_KEY, []))
    rooms.add(room.pk)
    request.session[SESSION_KEY] = sorted(rooms)


def is_presenter(request, room) -> bool:
    return room.pk in request.session.get(SESSION_KEY, [])


def remember_host(request, room) -> None:
    rooms = set(request.session.get(HOST_SESSION_KEY, []))
    rooms.add(room.pk)
    request.session[HOST_SESSION_KEY] = sorted(rooms)


def is_host(request, room) -> bool:
    return room.pk in request.session.get(HOST_SESSION_KEY, [])
