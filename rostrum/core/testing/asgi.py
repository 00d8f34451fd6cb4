"""Fetching a page as uvicorn hands it to Django: an ``ASGIRequest``, the body read asynchronously.

Django's ``AsyncClient`` builds the ``ASGIRequest``; the body is then read as Django's ASGI handler
reads it, ``async for`` over the response. A synchronous body is read by that into a list first,
with a warning (``SYNC_FALLBACK``); a test asserts it was not raised.

The test stays a plain function: ``async_to_sync`` runs the request while code that Django runs
``thread_sensitive`` (middleware, the view, the database) comes back to the test's thread, so the
test's database transaction and data are seen.
"""

import warnings

from asgiref.sync import async_to_sync
from django.test import AsyncClient

SYNC_FALLBACK = "StreamingHttpResponse must consume synchronous iterators"


async def read_body(response) -> bytes:
    """The body as ``ASGIHandler.send_response`` reads it."""
    if not response.streaming:
        return response.content
    return b"".join([part async for part in response])


def caught_warnings(function, *args):
    """``function(*args)``'s result and the messages of the warnings raised meanwhile."""
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        result = function(*args)
    return result, [str(warning.message) for warning in caught]


def get_through_asgi(path: str, user=None, client: AsyncClient | None = None, **headers):
    """GET ``path`` (as ``user``, or with ``client``'s session): the response, its body, the warnings."""
    client = client or AsyncClient()
    if user is not None:
        client.force_login(user, backend="django.contrib.auth.backends.ModelBackend")

    async def fetch():
        response = await client.get(path, headers=headers)
        return response, await read_body(response)

    (response, body), messages = caught_warnings(async_to_sync(fetch))
    return response, body, messages
