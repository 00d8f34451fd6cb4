"""Signed join tokens: the live page hands one to its WebSocket, naming the participant."""

from django.core import signing

SALT = "rostrum.live.join"
MAX_AGE_SECONDS = 24 * 3600


def make_join_token(participant_id: int) -> str:
    return signing.dumps({"p": participant_id}, salt=SALT, compress=True)


def read_join_token(token: str) -> int | None:
    try:
        return int(signing.loads(token, salt=SALT, max_age=MAX_AGE_SECONDS)["p"])
    except (signing.BadSignature, KeyError, TypeError, ValueError):
        return None
