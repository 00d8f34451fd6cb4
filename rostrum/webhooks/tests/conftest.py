"""A real HTTP receiver on 127.0.0.1, and a resolver scripted at the process boundary."""

import hashlib
import hmac
import json
import socket
import threading
import time
from collections import deque
from dataclasses import dataclass
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest

from rostrum.webhooks import addresses


@dataclass
class Received:
    path: str
    headers: dict[str, str]
    body: bytes

    def json(self) -> dict:
        return json.loads(self.body)


class Receiver:
    """Answers 204 unless told: ``replies.append(500)``, ``delay = 2`` (seconds before answering)."""

    def __init__(self):
        self.requests: list[Received] = []
        self.replies: deque[int] = deque()
        self.delay = 0.0
        self.lock = threading.Lock()
        receiver = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self):
                body = self.rfile.read(int(self.headers.get("Content-Length", 0)))
                with receiver.lock:
                    receiver.requests.append(Received(self.path, dict(self.headers.items()), body))
                    status = receiver.replies.popleft() if receiver.replies else 204
                if receiver.delay:
                    time.sleep(receiver.delay)
                self.send_response(status)
                if 300 <= status < 400:
                    self.send_header("Location", "http://127.0.0.1:9/elsewhere")
                reply = b"" if status == 204 else b"receiver says " + str(status).encode()
                self.send_header("Content-Length", str(len(reply)))
                self.end_headers()
                self.wfile.write(reply)

            def log_message(self, *args):
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.port = self.server.server_address[1]
        self.url = f"http://127.0.0.1:{self.port}/hooks/rostrum?source=test"

    def start(self):
        threading.Thread(target=self.server.serve_forever, daemon=True).start()

    def stop(self):
        self.server.shutdown()
        self.server.server_close()


@pytest.fixture
def allow_loopback(settings):
    settings.WEBHOOK_ALLOWED_NETWORKS = ["127.0.0.0/8"]
    settings.WEBHOOK_TIMEOUT = 2


@pytest.fixture
def receiver(allow_loopback):
    server = Receiver()
    server.start()
    try:
        yield server
    finally:
        server.stop()


class Resolver:
    """``socket.getaddrinfo`` as the webhooks see it: names in ``answers`` resolve to the given addresses,
    an empty list is "no such name", anything else as the system resolves it. ``lookups`` lists the names asked for."""

    def __init__(self, real):
        self.real = real
        self.answers: dict[str, list[str]] = {}
        self.lookups: list[str] = []

    def __call__(self, host, port, *args, **kwargs):
        self.lookups.append(host)
        if host not in self.answers:
            return self.real(host, port, *args, **kwargs)
        if not self.answers[host]:
            raise socket.gaierror(socket.EAI_NONAME, "Name or service not known")
        result = []
        for address in self.answers[host]:
            family = socket.AF_INET6 if ":" in address else socket.AF_INET
            sockaddr = (address, port, 0, 0) if family == socket.AF_INET6 else (address, port)
            result.append((family, socket.SOCK_STREAM, 6, "", sockaddr))
        return result


@pytest.fixture
def resolver(monkeypatch):
    fake = Resolver(socket.getaddrinfo)
    monkeypatch.setattr(addresses.socket, "getaddrinfo", fake)
    return fake


def verify_signature(secret: str, request: Received, tolerance_seconds: int = 300) -> bool:
    """What a receiver does (docs/webhooks.md): recompute the HMAC over "<timestamp>.<body>"."""
    timestamp = request.headers["X-Rostrum-Timestamp"]
    if abs(time.time() - int(timestamp)) > tolerance_seconds:
        return False
    expected = hmac.new(secret.encode(), timestamp.encode() + b"." + request.body, hashlib.sha256).hexdigest()
    return hmac.compare_digest(f"sha256={expected}", request.headers["X-Rostrum-Signature"])
