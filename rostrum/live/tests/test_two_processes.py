"""Two real server processes share a room over Redis: what is posted on one reaches the other, in sequence."""

import asyncio
import json
import os
import socket
import subprocess
import sys
import time
import urllib.request
from urllib.parse import quote

import pytest
from channels.db import database_sync_to_async
from django.conf import settings
from django.db import connection

from rostrum.live.tokens import make_join_token

pytestmark = [
    pytest.mark.asyncio,
    pytest.mark.django_db(transaction=True),
    pytest.mark.skipif(
        not settings.REDIS_URL or connection.vendor != "postgresql",
        reason="needs REDIS_URL and PostgreSQL: two processes share a room through Redis and one database; "
        "the embedded default (SQLite, in-process broker) carries events within one process only",
    ),
]

START_SECONDS = 60
TIMEOUT = 10


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def database_url() -> str:
    db = connection.settings_dict  # the test database, which the test's data is committed to
    credentials = quote(db["USER"] or "")
    if db["PASSWORD"]:
        credentials += ":" + quote(db["PASSWORD"])
    return f"postgres://{credentials}@{db['HOST'] or 'localhost'}:{db['PORT'] or 5432}/{db['NAME']}"


def start_server(port: int, var_dir, log_path, *flags: str) -> subprocess.Popen:
    env = {
        **os.environ,
        "DATABASE_URL": database_url(),
        "REDIS_URL": settings.REDIS_URL,
        "ROSTRUM_SECRET_KEY": settings.SECRET_KEY,  # the join tokens this test signs
        "ROSTRUM_VAR_DIR": str(var_dir),
        "ROSTRUM_ALLOWED_HOSTS": "localhost,127.0.0.1",
    }
    command = [sys.executable, "-m", "uvicorn", "rostrum.asgi:application", "--host", "127.0.0.1"]
    command += ["--port", str(port), "--lifespan", "off", "--ws", "websockets-sansio", *flags]
    with log_path.open("w") as log:
        return subprocess.Popen(  # noqa: S603 — our own interpreter and arguments
            command, cwd=settings.BASE_DIR, env=env, stdout=log, stderr=subprocess.STDOUT
        )


def wait_ready(server: subprocess.Popen, port: int, log_path) -> None:
    deadline = time.monotonic() + START_SECONDS
    while True:
        assert server.poll() is None, log_path.read_text()
        try:
            with urllib.request.urlopen(f"http://127.0.0.1:{port}/healthz", timeout=2):
                return
        except OSError:
            assert time.monotonic() < deadline, "uvicorn did not answer:\n" + log_path.read_text()
            time.sleep(0.2)


class Socket:
    """A participant's socket to one server, through the websockets library."""

    def __init__(self, ws):
        self.ws = ws
        self.ref = 0

    @classmethod
    async def open(cls, port: int, participant_id: int) -> tuple["Socket", dict]:
        from websockets.asyncio.client import connect

        token = await database_sync_to_async(make_join_token)(participant_id)
        ws = await connect(f"ws://127.0.0.1:{port}/ws/live/?t={token}", origin="http://localhost")
        socket_ = cls(ws)
        snapshot = await socket_.next()
        assert snapshot["type"] == "snapshot"
        return socket_, snapshot

    async def next(self) -> dict:
        """The next frame that is not presence (those come on their own clock)."""
        while True:
            frame = json.loads(await asyncio.wait_for(self.ws.recv(), TIMEOUT))
            if frame["type"] != "presence":
                return frame

    async def request(self, frame_type: str, data: dict) -> tuple[dict, list[dict]]:
        """Send a frame; its ack, and the events that arrived before it."""
        self.ref += 1
        await self.ws.send(json.dumps({"type": frame_type, "data": data, "ref": self.ref}))
        events = []
        while True:
            frame = await self.next()
            if frame.get("ref") == self.ref and frame["type"] in ("ack", "error"):
                return frame, events
            events.append(frame)

    async def event(self, event_type: str) -> dict:
        while True:
            frame = await self.next()
            if frame["type"] == event_type:
                return frame


async def test_chat_crosses_between_two_server_processes(webinar, tmp_path):
    ports = free_port(), free_port()
    logs = tmp_path / "a.log", tmp_path / "b.log"
    servers = []
    try:
        # A writes frames straight to its sockets (no compression); B compresses, through ASGI.
        servers.append(start_server(ports[0], tmp_path, logs[0], "--ws-per-message-deflate", "false"))
        servers.append(start_server(ports[1], tmp_path, logs[1]))
        for server, port, log in zip(servers, ports, logs, strict=True):
            await asyncio.to_thread(wait_ready, server, port, log)

        host, host_snapshot = await Socket.open(ports[0], webinar["host"].pk)
        assert host.ws.protocol.extensions == []
        reply, before_ack = await host.request("session.start", {})
        assert reply["type"] == "ack"
        started = next((e for e in before_ack if e["type"] == "session.started"), None) or await host.event(
            "session.started"
        )
        assert started["seq"] == host_snapshot["seq"] + 1

        ann, ann_snapshot = await Socket.open(ports[1], webinar["ann"].pk)
        assert ann.ws.protocol.extensions != []  # permessage-deflate, negotiated with B
        assert ann_snapshot["session"]["state"] == "live" and ann_snapshot["seq"] == started["seq"]

        reply, before_ack = await host.request("chat.post", {"text": "Hello from A"})
        assert reply["type"] == "ack"
        own = next((e for e in before_ack if e["type"] == "chat.posted"), None) or await host.event("chat.posted")
        assert own["data"]["text"] == "Hello from A" and own["seq"] == started["seq"] + 1
        on_b = await ann.event("chat.posted")
        assert on_b["data"]["text"] == "Hello from A"
        assert on_b["seq"] == ann_snapshot["seq"] + 1 == own["seq"]

        reply, _ = await ann.request("chat.post", {"text": "Hello from B"})  # its own event may come first
        assert reply["type"] == "ack"
        on_a = await host.event("chat.posted")
        assert on_a["data"]["text"] == "Hello from B"
        assert on_a["seq"] == on_b["seq"] + 1

        for participant in (host, ann):
            await participant.ws.close()
    finally:
        for server in servers:
            server.terminate()
        for server in servers:
            try:
                server.wait(timeout=10)
            except subprocess.TimeoutExpired:
                server.kill()
                server.wait()
        for log in logs:
            if log.exists():
                print(f"--- {log.name} ---\n{log.read_text()[-3000:]}")  # shown when the test fails
