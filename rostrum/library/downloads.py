"""Sending a library file's bytes. Callers fetch the file through ``access_file_by_id`` first."""

from django.http import FileResponse, Http404

from rostrum.core.streaming import file_response as streamed_file_response
from rostrum.core.streaming import signed_redirect
from rostrum.library.constants import FORMATS_BY_MIME
from rostrum.library.models import LibraryFile


def download_name(library_file: LibraryFile) -> str:
    """The display name, with the format's extension when the name has none of its own."""
    file_format = FORMATS_BY_MIME.get(library_file.mime_type)
    name = library_file.name
    if file_format and not name.lower().endswith(tuple(f".{ext}" for ext in file_format.extensions)):
        name = f"{name}.{file_format.extensions[0]}"
    return name


def file_response(request, library_file: LibraryFile, as_attachment: bool = True) -> FileResponse:
    """Stream the stored bytes with the sniffed type; the browser may not guess another one."""
    name = download_name(library_file)
    return stored_file_response(request, library_file.file, name, library_file.mime_type, as_attachment)


def stored_file_response(
    request, field_file, filename: str, content_type: str, as_attachment: bool = True
) -> FileResponse:
    """Any private file (a library file, a file posted in chat, a page image) with its sniffed type,
    never sniffed again; streamed in blocks (``rostrum.core.streaming``), or on object storage a
    redirect to a short-lived signed link."""
    if redirect := signed_redirect(field_file, filename, content_type, as_attachment):
        return redirect
    try:
        stream = field_file.open("rb")
    except (FileNotFoundError, ValueError):
        raise Http404 from None
    response = streamed_file_response(
        request, stream, as_attachment=as_attachment, filename=filename, content_type=content_type
    )
    response["X-Content-Type-Options"] = "nosniff"
    response["Content-Security-Policy"] = "sandbox; default-src 'none'"  # shown inline, it runs nothing
    return response
