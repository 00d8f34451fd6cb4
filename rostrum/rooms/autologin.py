"""Auto-login links (ClickMeeting's ``<room_url>?l=<hash>``): a signed pass for one person into one room.

The hash carries the name, e-mail and role it was made for, and is bound to the room. It needs no
database row: it is signed with the site's secret (``django.core.signing``), so it cannot be forged
or changed. What the room demanded when the hash was made is checked again on entry: a password
room's hash holds a digest of the password (changing the password revokes it), a token room's hash
holds its access token, spent on first entry like a typed one.
"""

from dataclasses import dataclass

from django.core import signing
from django.utils.crypto import constant_time_compare, salted_hmac

from rostrum.rooms.constants import AccessType, ParticipantRole
from rostrum.rooms.models import Room

SALT = "rostrum.rooms.autologin"
ROLES = (ParticipantRole.ATTENDEE, ParticipantRole.PRESENTER, ParticipantRole.HOST)


@dataclass(frozen=True)
class AutologinPass:
    nickname: str
    email: str
    role: str
    token: str


def _password_digest(room: Room) -> str:
    if room.access_type != AccessType.PASSWORD:
        return ""
    return salted_hmac(SALT, f"{room.pk}:{room.password}", algorithm="sha256").hexdigest()[:16]


def make_autologin_hash(room: Room, *, nickname: str, email: str, role: str, token: str = "") -> str:
    """Caller has checked the password or token the room asks for; ``role`` is a ParticipantRole."""
    assert role in ROLES, role
    payload = {"r": room.pk, "n": nickname, "e": email, "o": role, "t": token, "p": _password_digest(room)}
    return signing.dumps(payload, salt=SALT, compress=True)


def read_autologin_hash(room: Room, value: str) -> AutologinPass | None:
    """The pass in ``value`` if it was made for ``room`` and still fits its access rules; else None."""
    try:
        payload = signing.loads(value, salt=SALT)
        if payload["r"] != room.pk or payload["o"] not in ROLES:
            return None
        if not constant_time_compare(payload["p"], _password_digest(room)):
            return None  # the password changed, or the room's access type did
        return AutologinPass(
            nickname=str(payload["n"]), email=str(payload["e"]), role=payload["o"], token=str(payload["t"])
        )
    except (signing.BadSignature, KeyError, TypeError, ValueError):
        return None
