"""Identifiers people type or share: 9-digit room numbers and unguessable tokens."""

import hashlib
import secrets

ROOM_NUMBER_DIGITS = 9


def random_room_number() -> str:
    """A random 9-digit number that does not start with 0 (so it reads and types as 9 digits)."""
    return str(secrets.randbelow(9 * 10 ** (ROOM_NUMBER_DIGITS - 1)) + 10 ** (ROOM_NUMBER_DIGITS - 1))


def format_room_number(number: str) -> str:
    """``123456789`` → ``123-456-789``, the way people read it out."""
    return f"{number[:3]}-{number[3:6]}-{number[6:]}"


def normalize_room_number(typed: str) -> str:
    """Keep the digits of what someone typed (spaces and dashes are common)."""
    return "".join(ch for ch in typed if ch.isdigit())


def random_token(nbytes: int = 24) -> str:
    return secrets.token_urlsafe(nbytes)


def random_access_code(length: int = 10) -> str:
    """Short one-time access token for humans: no look-alike characters."""
    alphabet = "ABCDEFGHJKLMNPQRSTUVWXYZ23456789"
    return "".join(secrets.choice(alphabet) for _ in range(length))


def token_digest(token: str) -> str:
    """What we store of a secret only its holder presents (invitation links): its SHA-256.

    Room passwords and access tokens are different: organisers hand them out and download them
    again, so they are kept as issued (docs/adr/0007-room-secrets-are-retrievable.md).
    """
    return hashlib.sha256(token.encode()).hexdigest()
