"""A lean WebSocket client for load generation: the ``websockets`` library's sans-I/O protocol on asyncio.

One load-generator core has to read what the server writes to a thousand sockets, so each client is
an ``asyncio.Protocol`` that parses frames as the bytes arrive (no task per socket, no queue): the
frame's arrival time is taken in ``data_received``, before any other work. The handshake, framing,
masking and the closing handshake are the library's (``websockets.client.ClientProtocol``).
"""

import asyncio
import json
import time

from websockets.client import ClientProtocol
from websockets.extensions.permessage_deflate import enable_client_permessage_deflate
from websockets.frames import Opcode
from websockets.http11 import Response
from websockets.protocol import State
from websockets.uri import parse_uri

ORIGIN = "http://localhost"
# Browsers offer permessage-deflate; so does this client, so that a server which accepts it pays
# for compressing every frame per socket, as it would with real browsers.
OFFER_DEFLATE = True


class LiveClient(asyncio.Protocol):
    """One participant's socket. ``on_text(client, text, arrived)`` sees every text frame after the snapshot."""

    def __init__(self, url: str, on_text=None):
        extensions = enable_client_permessage_deflate(None) if OFFER_DEFLATE else None
        self.ws = ClientProtocol(parse_uri(url), origin=ORIGIN, extensions=extensions, max_size=None)
        self.on_text = on_text
        self.transport: asyncio.Transport | None = None
        loop = asyncio.get_running_loop()
        self.opened = loop.create_future()  # True once the handshake completes
        self.snapshot = loop.create_future()  # the arrival time of the first snapshot
        self.closed = loop.create_future()
        self.started = time.perf_counter()
        self.frames = 0
        self.close_code: int | None = None
        self.pending: dict[int, asyncio.Future] = {}
        self._ref = 0

    # asyncio.Protocol
    def connection_made(self, transport) -> None:
        self.transport = transport
        self.ws.send_request(self.ws.connect())
        self._flush()

    def data_received(self, data: bytes) -> None:
        arrived = time.perf_counter()
        self.ws.receive_data(data)
        for event in self.ws.events_received():
            if isinstance(event, Response):
                if self.ws.state is State.OPEN:
                    self.opened.done() or self.opened.set_result(True)
                else:
                    self._fail(f"handshake refused: {event.status_code}")
            elif event.opcode is Opcode.TEXT:
                self.frames += 1
                self._text(event.data.decode(), arrived)
            elif event.opcode is Opcode.CLOSE:
                self.close_code = self.ws.close_code
        self._flush()
        if self.ws.state is State.CLOSED and self.transport is not None:
            self.transport.close()

    def connection_lost(self, exc) -> None:
        self._fail(f"connection lost ({exc or self.ws.close_code})")
        self.closed.done() or self.closed.set_result(self.close_code)

    # frames
    def _text(self, text: str, arrived: float) -> None:
        if not self.snapshot.done():
            if text.startswith('{"type":"snapshot"'):
                self.snapshot.set_result(arrived)
            return
        if text.startswith('{"type":"ack"') or text.startswith('{"type":"error"'):
            frame = json.loads(text)
            frame["arrived"] = arrived
            future = self.pending.pop(frame.get("ref"), None)
            if future is not None and not future.done():
                future.set_result(frame)
        if self.on_text is not None:
            self.on_text(self, text, arrived)

    def send(self, frame_type: str, data: dict | None = None) -> asyncio.Future:
        """Send a frame; the future gets its ``ack`` or ``error``."""
        self._ref += 1
        future = asyncio.get_running_loop().create_future()
        self.pending[self._ref] = future
        self.ws.send_text(json.dumps({"type": frame_type, "data": data or {}, "ref": self._ref}).encode())
        self._flush()
        return future

    def close(self) -> None:
        if self.ws.state is State.OPEN:
            self.ws.send_close(1000)
            self._flush()
        elif self.transport is not None:
            self.transport.close()

    def _flush(self) -> None:
        if self.transport is None:
            return
        for chunk in self.ws.data_to_send():
            if chunk:
                self.transport.write(chunk)
            else:  # the library asks for the write half to be closed
                self.transport.write_eof() if self.transport.can_write_eof() else None

    def _fail(self, reason: str) -> None:
        for future in (self.opened, self.snapshot):
            if not future.done():
                future.set_exception(ConnectionError(reason))
                future.exception()  # retrieved: a refused socket is counted, not logged


async def open_client(host: str, port: int, token: str, on_text=None) -> LiveClient:
    """Connect and return the client once the handshake is done (the snapshot may still be on its way)."""
    loop = asyncio.get_running_loop()
    url = f"ws://{host}:{port}/ws/live/?t={token}"
    _transport, client = await loop.create_connection(lambda: LiveClient(url, on_text), host, port)
    await client.opened
    return client
