"""The process's media backend: built from settings on first use, replaceable by tests."""

import asyncio

from django.conf import settings

_backend = None
_loop = None


def get_backend():
    """The backend for the running event loop (its connections belong to one loop)."""
    global _backend, _loop
    loop = asyncio.get_running_loop()
    if _backend is None or (_loop is not None and _loop is not loop and not _pinned):
        from rostrum.media.janus import JanusBackend

        _backend = JanusBackend(settings.MEDIA_NODES, settings.JANUS_API_SECRET)
        _loop = loop
    return _backend


_pinned = False


def set_backend(backend) -> None:
    """Use ``backend`` from now on, on any loop (tests); ``None`` goes back to the settings' one."""
    global _backend, _loop, _pinned
    _backend, _loop, _pinned = backend, None, backend is not None
