"""Health checks behind /healthz: each returns (ok, detail) and never raises."""

import asyncio
import uuid

from asgiref.sync import async_to_sync
from channels.layers import get_channel_layer
from django.db import connection
from huey.contrib.djhuey import HUEY

MEDIA_TIMEOUT_SECONDS = 3


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


async def _media_health() -> list:
    from django.conf import settings

    from rostrum.media.janus import JanusBackend

    backend = JanusBackend(settings.MEDIA_NODES, settings.JANUS_API_SECRET)  # its own connections
    try:
        return await asyncio.wait_for(backend.health(), MEDIA_TIMEOUT_SECONDS)
    finally:
        await backend.close()


def check_media() -> tuple[bool, str]:
    """Each Janus node answers ``info``; the detail names the ones that do not."""
    try:
        nodes = async_to_sync(_media_health)()
    except Exception as exc:
        return False, type(exc).__name__
    from rostrum.media.placement import mark_node_down, mark_node_up

    for node in nodes:  # what placement of new media rooms goes by, in every app process
        (mark_node_up if node.ok else mark_node_down)(node.node)
    down = [f"{n.node}: {n.detail}" for n in nodes if not n.ok]
    if down:
        return False, "; ".join(down)
    return True, ", ".join(f"{n.node} ({n.detail})" for n in nodes)


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
