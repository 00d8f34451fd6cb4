"""Serving a stored file with HTTP Range support, so a ``<video>`` can seek.

Django's ``FileResponse`` always sends the whole file. This answers one ``bytes=`` range with
``206 Partial Content`` (several ranges, or one that cannot be satisfied: the whole file or 416),
reading the file in blocks (``rostrum.core.streaming``: asynchronously under ASGI, never all at once).
"""

import re

from django.http import HttpResponse, StreamingHttpResponse

from rostrum.core.streaming import SIGNED_MEDIA_LINK_SECONDS, file_blocks, file_response, signed_redirect

RANGE = re.compile(r"^bytes=(\d*)-(\d*)$")


def parse_range(header: str, size: int) -> tuple[int, int] | bool | None:
    """The (first, last) bytes asked for; None for no usable range (send everything); False when
    it cannot be satisfied."""
    match = RANGE.match(header.strip())
    if match is None:
        return None  # several ranges or another unit: the whole file is a valid answer
    first, last = match.groups()
    if first == "" and last == "":
        return None
    if first == "":  # the last N bytes
        length = int(last)
        if length == 0:
            return False
        return max(size - length, 0), size - 1
    start = int(first)
    end = min(int(last), size - 1) if last else size - 1
    if start >= size or end < start:
        return False
    return start, end


def range_response(request, field_file, content_type: str, filename: str, as_attachment: bool = False):
    redirect = signed_redirect(field_file, filename, content_type, as_attachment, SIGNED_MEDIA_LINK_SECONDS)
    if redirect:
        return redirect  # object storage answers ranges itself
    size = field_file.size
    wanted = parse_range(request.headers.get("Range", ""), size) if "Range" in request.headers else None
    if wanted is False:
        response = HttpResponse(status=416)
        response["Content-Range"] = f"bytes */{size}"
        return response
    stream = field_file.open("rb")
    if wanted is None:
        response = file_response(
            request, stream, content_type=content_type, as_attachment=as_attachment, filename=filename
        )
    else:
        start, end = wanted
        response = StreamingHttpResponse(
            file_blocks(request, stream, start, end - start + 1), status=206, content_type=content_type
        )
        response["Content-Length"] = str(end - start + 1)
        response["Content-Range"] = f"bytes {start}-{end}/{size}"
        disposition = "attachment" if as_attachment else "inline"
        response["Content-Disposition"] = f'{disposition}; filename="{filename}"'
    response["Accept-Ranges"] = "bytes"
    response["X-Content-Type-Options"] = "nosniff"
    return response
