"""Carries published live events to every app process: in memory, or over Redis pub/sub.

Each process subscribes once per session it has connections for (not once per socket), and its
hub fans the event out to local sockets. Delivery is at most once: durability lives in the
database, and clients recover from a gap with a fresh snapshot.
"""

import asyncio
import contextvars
import logging
import threading
from collections.abc import Callable

from django.conf import settings

logger = logging.getLogger(__name__)
Callback = Callable[[str, str], None]  # (key, payload)


def channel_name(session_id: int) -> str:
    return f"rostrum:live:session:{session_id}"


class InMemoryBroker:
    """One process: publish hands the payload to the event loop the subscriber runs in."""

    def __init__(self):
        self.callback: Callback | None = None
        self.loop: asyncio.AbstractEventLoop | None = None
        self.keys: set[str] = set()

    async def start(self, callback: Callback) -> None:
        self.callback, self.loop = callback, asyncio.get_running_loop()

    async def subscribe(self, key: str) -> None:
        self.keys.add(key)

    async def unsubscribe(self, key: str) -> None:
        self.keys.discard(key)

    def publish(self, key: str, payload: str) -> None:
        if self.loop is None or self.callback is None or key not in self.keys or self.loop.is_closed():
            return
        if _in_loop(self.loop):
            self.callback(key, payload)
        else:
            # A fresh context: the publishing thread's (inside asgiref's executor) must not leak into
            # the tasks the hub starts, or their own database calls would be refused as re-entrant.
            self.loop.call_soon_threadsafe(self.callback, key, payload, context=contextvars.Context())


def _in_loop(loop: asyncio.AbstractEventLoop) -> bool:
    try:
        return asyncio.get_running_loop() is loop
    except RuntimeError:
        return False


class RedisBroker:
    """Many processes: one pub/sub connection per process, one channel per session."""

    def __init__(self, url: str):
        import redis
        import redis.asyncio

        self.url = url
        self.publisher = redis.Redis.from_url(url)
        self.async_client = redis.asyncio.Redis.from_url(url)
        self.pubsub = None
        self.reader: asyncio.Task | None = None
        self.callback: Callback | None = None
        self._lock = threading.Lock()

    async def start(self, callback: Callback) -> None:
        self.callback = callback
        self.pubsub = self.async_client.pubsub(ignore_subscribe_messages=True)
        # A channel must be subscribed before the reader can listen; this one carries nothing.
        await self.pubsub.subscribe("rostrum:live:idle")
        self.reader = asyncio.create_task(self._read())

    async def _read(self) -> None:
        while True:
            try:
                message = await self.pubsub.get_message(timeout=1.0)
            except asyncio.CancelledError:
                raise
            except Exception:  # a dropped Redis connection: log, wait, go on (redis-py reconnects)
                logger.exception("live broker: reading from Redis failed")
                await asyncio.sleep(1)
                continue
            if message and message["type"] == "message":
                self.callback(message["channel"].decode(), message["data"].decode())

    async def subscribe(self, key: str) -> None:
        await self.pubsub.subscribe(key)

    async def unsubscribe(self, key: str) -> None:
        await self.pubsub.unsubscribe(key)

    def publish(self, key: str, payload: str) -> None:
        with self._lock:
            self.publisher.publish(key, payload)


_broker = None
_broker_lock = threading.Lock()


def get_broker():
    """The process's broker, made on first use from settings (``REDIS_URL`` or in memory)."""
    global _broker
    with _broker_lock:
        if _broker is None:
            _broker = RedisBroker(settings.REDIS_URL) if settings.REDIS_URL else InMemoryBroker()
        return _broker


def reset_broker() -> None:
    """Forget the process's broker (tests switch settings and event loops)."""
    global _broker
    with _broker_lock:
        _broker = None
