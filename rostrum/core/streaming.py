"""Sending a stored file, whole or one byte range, block by block, under WSGI and under ASGI alike.

Under ASGI (uvicorn) Django's ``StreamingHttpResponse`` meets a synchronous iterator (every
``FileResponse``) by reading all of it into a list before the first byte goes out: a recording of
hundreds of megabytes would sit in memory. So when the request came through ASGI the body is an
asynchronous iterator that reads one block at a time in a worker thread, off the event loop.
Under WSGI (and Django's test ``Client``) the response stays the synchronous one it always was.

The file is closed when the last block is read, or when Django closes the response (the client
went away, or the body was never read).
"""

import asyncio

from django.core.files.storage import FileSystemStorage
from django.core.handlers.asgi import ASGIRequest
from django.http import FileResponse, HttpResponseRedirect
from django.utils.http import content_disposition_header

BLOCK_SIZE = 64 * 1024


def is_asgi(request) -> bool:
    # A REST framework view gets a wrapper around Django's request; the wrapped one tells.
    return isinstance(getattr(request, "_request", request), ASGIRequest)


class FileBlocks:
    """``length`` bytes (None: up to the end) of an open binary file from ``start``, as blocks."""

    def __init__(self, stream, start: int = 0, length: int | None = None):
        self.stream = stream
        self.start = start
        self.length = length

    def next_size(self, left: int | None) -> int:
        return BLOCK_SIZE if left is None else min(BLOCK_SIZE, left)

    def close(self) -> None:
        """Called by Django when it closes the response, whether or not the body was read."""
        self.stream.close()


class SyncFileBlocks(FileBlocks):
    def __iter__(self):
        try:
            self.stream.seek(self.start)
            left = self.length
            while left is None or left > 0:
                block = self.stream.read(self.next_size(left))
                if not block:
                    break
                left = None if left is None else left - len(block)
                yield block
        finally:
            self.close()


class AsyncFileBlocks(FileBlocks):
    """No ``__iter__``: ``StreamingHttpResponse`` takes it for an asynchronous iterator."""

    async def __aiter__(self):
        try:
            await asyncio.to_thread(self.stream.seek, self.start)
            left = self.length
            while left is None or left > 0:
                block = await asyncio.to_thread(self.stream.read, self.next_size(left))
                if not block:
                    break
                left = None if left is None else left - len(block)
                yield block
        finally:
            self.close()


def file_blocks(request, stream, start: int = 0, length: int | None = None) -> FileBlocks:
    """A body for ``StreamingHttpResponse``: asynchronous for an ASGI request, else synchronous."""
    blocks = AsyncFileBlocks if is_asgi(request) else SyncFileBlocks
    return blocks(stream, start, length)


def file_response(request, stream, **options) -> FileResponse:
    """The whole open file from where it stands, as ``FileResponse(stream, **options)`` answers it.

    ``FileResponse`` still sets Content-Length, Content-Type and Content-Disposition; under ASGI
    only the body is swapped for blocks read off the event loop.
    """
    response = FileResponse(stream, **options)
    if is_asgi(request):
        response.streaming_content = AsyncFileBlocks(stream, stream.tell())
    return response


SIGNED_LINK_SECONDS = 300  # a download starts at once
# A player asks for ranges for as long as someone watches, possibly at the redirect's own address.
SIGNED_MEDIA_LINK_SECONDS = 6 * 3600


def signed_redirect(
    field_file, filename: str, content_type: str, as_attachment: bool, expire: int = SIGNED_LINK_SECONDS
):
    """On object storage (S3), the storage sends the bytes: a redirect, once the caller has checked
    access, to a link signed for ``expire`` seconds that answers with this name and type (and
    ranges, for video). None on a folder storage, whose files this process streams itself."""
    storage = field_file.storage
    if isinstance(storage, FileSystemStorage):
        return None
    parameters = {
        "ResponseContentDisposition": content_disposition_header(as_attachment, filename),
        "ResponseContentType": content_type,
    }
    response = HttpResponseRedirect(storage.url(field_file.name, parameters=parameters, expire=expire))
    response["Cache-Control"] = "private, no-store"
    return response
