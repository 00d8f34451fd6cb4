"""Health checks behind /healthz: each returns (ok, detail) and never raises."""

import uuid

from asgiref.sync import async_to_sync
from channels.layers import get_channel_layer
from django.db import connection
from huey.contrib.djhuey import HUEY


def check_database() -> tuple[bool, str]:
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
            cursor.fetchone()
        return True, connection.vendor
    except Exception as exc:  # a health check reports failures instead of raising them
        return False, type(exc).__name__


async def _channel_round_trip() -> bool:
    layer = get_channel_layer()
    channel = await layer.new_channel("healthz.")
    token = uuid.uuid4().hex
    await layer.send(channel, {"type": "healthz.ping", "token": token})
    message = await layer.receive(channel)
    return message.get("token") == token


def check_channel_layer() -> tuple[bool, str]:
    try:
        layer = get_channel_layer()
        ok = async_to_sync(_channel_round_trip)()
        return ok, type(layer).__name__
    except Exception as exc:
        return False, type(exc).__name__


def check_task_queue() -> tuple[bool, str]:
    try:
        pending = HUEY.pending_count()
        return True, f"{type(HUEY).__name__}, {pending} pending"
    except Exception as exc:
        return False, type(exc).__name__


def check_media() -> tuple[bool, str]:
    # Media nodes (Janus) join the registry with the audio/video work; none is required yet.
    return True, "no media nodes configured"


CHECKS = {
    "database": check_database,
    "channel_layer": check_channel_layer,
    "task_queue": check_task_queue,
    "media": check_media,
}


def run_checks() -> dict[str, dict]:
    results = {}
    for name, check in CHECKS.items():
        ok, detail = check()
        results[name] = {"ok": ok, "detail": detail}
    return results
