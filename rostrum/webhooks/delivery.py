"""One attempt: build the signed request and POST it to a vetted address, without following redirects.

The connection goes to an address ``addresses.resolve_public`` has just vetted, while the request
keeps the URL's host name in its Host header and, for https, in TLS (SNI and certificate checks):
Python's ``http.client`` lets us open the socket ourselves, which is all it takes.
"""

import hashlib
import hmac
import http.client
import json
import socket
import ssl
import time
from dataclasses import dataclass

from django.conf import settings

from rostrum.core.events import iso
from rostrum.webhooks.addresses import IPAddress, Target, parse, resolve_public
from rostrum.webhooks.constants import DEFAULT_TIMEOUT, RESPONSE_EXCERPT_BYTES

USER_AGENT = "Rostrum-Webhooks/1"


def build_body(delivery) -> bytes:
    """The same bytes on every attempt of one delivery (the signature covers them with a new timestamp)."""
    document = {
        "id": str(delivery.delivery_id),
        "event": delivery.event,
        "created_at": iso(delivery.created_at),
        "data": delivery.payload,
    }
    return json.dumps(document, separators=(",", ":"), ensure_ascii=False).encode()


def sign(secret: str, timestamp: str, body: bytes) -> str:
    """``sha256=`` and the hex HMAC-SHA256 of ``<timestamp>.<body>`` under the webhook's secret."""
    digest = hmac.new(secret.encode(), timestamp.encode() + b"." + body, hashlib.sha256).hexdigest()
    return f"sha256={digest}"


def build_headers(delivery, body: bytes, timestamp: str) -> dict[str, str]:
    return {
        "Content-Type": "application/json",
        "User-Agent": USER_AGENT,
        "X-Rostrum-Event": delivery.event,
        "X-Rostrum-Delivery": str(delivery.delivery_id),
        "X-Rostrum-Timestamp": timestamp,
        "X-Rostrum-Signature": sign(delivery.webhook.secret, timestamp, body),
    }


class _PinnedHTTPConnection(http.client.HTTPConnection):
    """Connects to ``address``; the Host header still names ``host``."""

    def __init__(self, host: str, port: int, address: IPAddress, timeout: float):
        super().__init__(host, port, timeout=timeout)
        self.address = address

    def connect(self) -> None:
        self.sock = socket.create_connection((str(self.address), self.port), self.timeout)
        self.sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)


class _PinnedHTTPSConnection(http.client.HTTPSConnection):
    """TLS to ``address``, with SNI and the certificate checked against ``host`` (never unverified)."""

    def __init__(self, host: str, port: int, address: IPAddress, timeout: float, context: ssl.SSLContext):
        super().__init__(host, port, timeout=timeout, context=context)
        self.address = address
        self.tls_context = context

    def connect(self) -> None:
        raw = socket.create_connection((str(self.address), self.port), self.timeout)
        self.sock = self.tls_context.wrap_socket(raw, server_hostname=self.host)


def tls_context() -> ssl.SSLContext:
    context = ssl.create_default_context(cafile=getattr(settings, "WEBHOOK_CA_FILE", None) or None)
    context.check_hostname = True
    context.verify_mode = ssl.CERT_REQUIRED
    return context


@dataclass(frozen=True)
class Response:
    status: int
    excerpt: str


def post(url: str, body: bytes, headers: dict[str, str]) -> Response:
    """POST once. Raises WebhooksError when the address is refused, OSError when the network fails."""
    target: Target = parse(url)
    addresses = resolve_public(target)  # checked again now: the DNS answer may have changed since saving
    timeout = getattr(settings, "WEBHOOK_TIMEOUT", DEFAULT_TIMEOUT)
    last_error: OSError | None = None
    for address in addresses:
        if target.scheme == "https":
            connection = _PinnedHTTPSConnection(target.host, target.port, address, timeout, tls_context())
        else:
            connection = _PinnedHTTPConnection(target.host, target.port, address, timeout)
        try:
            try:
                connection.connect()
            except OSError as error:  # try the host's next address
                last_error = error
                continue
            connection.request("POST", target.path, body=body, headers=headers)
            answer = connection.getresponse()
            excerpt = answer.read(RESPONSE_EXCERPT_BYTES).decode(errors="replace")
            return Response(answer.status, excerpt)
        finally:
            connection.close()
    assert last_error is not None
    raise last_error


def send(delivery) -> Response:
    body = build_body(delivery)
    return post(delivery.webhook.url, body, build_headers(delivery, body, str(int(time.time()))))
