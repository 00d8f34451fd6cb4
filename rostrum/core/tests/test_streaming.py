"""Stored files go out in blocks: the same synchronous ``FileResponse`` as ever under WSGI; under
ASGI an asynchronous body, so Django never reads the whole file into a list first."""

from contextlib import aclosing

import pytest
from asgiref.sync import async_to_sync
from django.http import FileResponse, StreamingHttpResponse
from django.test import AsyncRequestFactory, RequestFactory
from rest_framework.request import Request

from rostrum.core.streaming import BLOCK_SIZE, file_blocks, file_response, is_asgi
from rostrum.core.testing.asgi import SYNC_FALLBACK, caught_warnings, read_body

CONTENT = bytes(range(256)) * 1024  # 256 KiB: four blocks

# Closing a response sends ``request_finished``, on which Django looks at its database connections.
pytestmark = pytest.mark.django_db


@pytest.fixture
def stored(tmp_path):
    path = tmp_path / "talk.mp4"
    path.write_bytes(CONTENT)
    return path


def asgi_request():
    return AsyncRequestFactory().get("/")


def wsgi_request():
    return RequestFactory().get("/")


def read_as_asgi(response) -> tuple[list[bytes], list[str]]:
    """The body's parts as Django's ASGI handler reads them, and the warnings raised meanwhile."""

    async def parts():
        return [part async for part in response]

    return caught_warnings(async_to_sync(parts))


def test_under_asgi_the_whole_file_goes_out_in_blocks_without_the_sync_fallback(stored):
    stream = stored.open("rb")
    response = file_response(asgi_request(), stream, content_type="video/mp4", as_attachment=True, filename="t.mp4")
    assert response.is_async
    parts, messages = read_as_asgi(response)
    assert b"".join(parts) == CONTENT
    assert [len(part) for part in parts] == [BLOCK_SIZE] * 4
    assert not any(SYNC_FALLBACK in message for message in messages)
    assert stream.closed


def test_control_a_plain_file_response_under_asgi_is_read_whole_with_a_warning(stored):
    """What every download did before: the check above would fail on it."""
    parts, messages = read_as_asgi(FileResponse(stored.open("rb")))
    assert b"".join(parts) == CONTENT
    assert any(SYNC_FALLBACK in message for message in messages)


@pytest.mark.parametrize(
    "options",
    [
        {"content_type": "video/mp4", "as_attachment": True, "filename": "Talk 2026.mp4"},
        {"content_type": "application/pdf", "filename": "Bericht für März.pdf"},
        {"content_type": "image/png"},  # no name: Django names it after the stored file
    ],
)
def test_the_headers_are_those_of_a_plain_file_response(stored, options):
    plain = FileResponse(stored.open("rb"), **options)
    streamed = file_response(asgi_request(), stored.open("rb"), **options)
    assert dict(streamed.items()) == dict(plain.items())
    assert streamed["Content-Length"] == str(len(CONTENT))
    plain.close()
    streamed.close()


def test_under_wsgi_it_is_the_synchronous_file_response_of_before(stored):
    stream = stored.open("rb")
    response = file_response(wsgi_request(), stream, content_type="video/mp4")
    assert not response.is_async
    assert response.file_to_stream is stream  # a WSGI server may still hand it to sendfile
    assert b"".join(response) == CONTENT
    response.close()
    assert stream.closed


def read_sync(response) -> bytes:
    return b"".join(response)


def read_async(response) -> bytes:
    body, messages = caught_warnings(async_to_sync(read_body), response)
    assert not any(SYNC_FALLBACK in message for message in messages)
    return body


MODES = [pytest.param(wsgi_request, read_sync, id="wsgi"), pytest.param(asgi_request, read_async, id="asgi")]


@pytest.mark.parametrize(("make_request", "read"), MODES)
def test_a_range_across_blocks_is_read_from_its_first_byte_for_its_length(stored, make_request, read):
    stream = stored.open("rb")
    start, length = BLOCK_SIZE - 10, BLOCK_SIZE + 20
    response = StreamingHttpResponse(file_blocks(make_request(), stream, start, length), status=206)
    assert response.is_async == (make_request is asgi_request)
    assert read(response) == CONTENT[start : start + length]
    assert stream.closed


@pytest.mark.parametrize(("make_request", "read"), MODES)
def test_the_last_bytes_run_to_the_end_of_the_file(stored, make_request, read):
    stream = stored.open("rb")
    response = StreamingHttpResponse(file_blocks(make_request(), stream, len(CONTENT) - 10))
    assert read(response) == CONTENT[-10:]
    assert stream.closed


@pytest.mark.parametrize("make_request", [wsgi_request, asgi_request])
def test_closing_a_response_whose_body_was_never_read_closes_the_file(stored, make_request):
    whole, part = stored.open("rb"), stored.open("rb")
    file_response(make_request(), whole, content_type="video/mp4").close()
    StreamingHttpResponse(file_blocks(make_request(), part, 100, 10)).close()
    assert whole.closed and part.closed


def test_a_client_leaving_mid_file_under_asgi_gets_the_file_closed(stored):
    """As Django's ASGI handler does on a disconnect: stop reading, then close the response."""
    stream = stored.open("rb")
    response = file_response(asgi_request(), stream, content_type="video/mp4")

    async def read_one_block():
        async with aclosing(aiter(response)) as content:
            async for part in content:
                return part

    assert async_to_sync(read_one_block)() == CONTENT[:BLOCK_SIZE]
    response.close()
    assert stream.closed


def test_a_rest_framework_request_is_told_by_the_request_it_wraps():
    assert is_asgi(Request(asgi_request())) and not is_asgi(Request(wsgi_request()))
