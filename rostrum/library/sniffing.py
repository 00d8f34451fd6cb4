"""What an uploaded file really is, from its bytes: the name and the browser's claim are ignored.

libmagic (Debian's ``libmagic1`` through python-magic) reads the start of the file. ZIP containers
are looked into here: OOXML (DOCX, PPTX, XLSX) is told by its ``[Content_Types].xml`` and ODF
(ODT, ODP, ODS) by its ``mimetype`` entry, reading only the central directory and that one small
entry, never extracting the archive. Office 97-2003 files libmagic cannot name (a bare OLE2
container) are told by their top-level streams (``compound``).
"""

import re
import zipfile

import magic

from rostrum.library import compound
from rostrum.library.constants import FORMATS_BY_MIME, MIME_ALIASES, FileFormat

# Enough of the file for libmagic's tests when the upload is in memory (spooled uploads are read
# through their path, which lets libmagic follow an Office 97 file's directory wherever it is).
SNIFF_BYTES = 8 * 1024 * 1024
ZIP_TYPES = {"application/zip", "application/x-zip-compressed", "application/octet-stream"}
ZIP_ENTRY_MAX_BYTES = 1024 * 1024  # a [Content_Types].xml or mimetype entry larger than this is not one
OOXML_MAIN_PARTS = {
    "presentationml.presentation.main+xml": "application/vnd.openxmlformats-officedocument.presentationml.presentation",
    "presentationml.slideshow.main+xml": "application/vnd.openxmlformats-officedocument.presentationml.slideshow",
    "presentationml.template.main+xml": "application/vnd.openxmlformats-officedocument.presentationml.presentation",
    "wordprocessingml.document.main+xml": "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    "wordprocessingml.template.main+xml": "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    "spreadsheetml.sheet.main+xml": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    "spreadsheetml.template.main+xml": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
}
CONTENT_TYPE_PATTERN = re.compile(rb'ContentType="application/vnd\.openxmlformats-officedocument\.([a-z.+]+)"')


def sniff_mime_type(uploaded) -> str:
    """The content type libmagic (and, for ZIP containers, the container's own manifest) gives."""
    path = getattr(uploaded, "temporary_file_path", None)
    if path is not None:
        mime_type = magic.from_file(path(), mime=True)
    else:
        uploaded.seek(0)
        mime_type = magic.from_buffer(uploaded.read(SNIFF_BYTES), mime=True)
    mime_type = MIME_ALIASES.get(mime_type, mime_type)
    if mime_type in ZIP_TYPES or mime_type.startswith(("application/vnd.openxmlformats", "application/vnd.oasis")):
        mime_type = zip_container_type(uploaded) or mime_type
    elif mime_type in compound.AMBIGUOUS_TYPES:  # an Office 97 file libmagic could not name
        mime_type = compound.compound_type(uploaded) or mime_type
    uploaded.seek(0)
    return mime_type


def sniff_format(uploaded) -> tuple[str, FileFormat | None]:
    """``(sniffed mime type, the accepted format or None)``."""
    mime_type = sniff_mime_type(uploaded)
    return mime_type, FORMATS_BY_MIME.get(mime_type)


def zip_container_type(uploaded) -> str | None:
    """The OOXML or ODF type a ZIP declares, or None for any other ZIP (or a broken one)."""
    uploaded.seek(0)
    try:
        with zipfile.ZipFile(uploaded) as archive:
            entries = {info.filename: info for info in archive.infolist()}
            if "[Content_Types].xml" in entries:
                return _ooxml_type(_read_small(archive, entries["[Content_Types].xml"]))
            if "mimetype" in entries:
                declared = _read_small(archive, entries["mimetype"]).decode("ascii", "replace").strip()
                return declared if declared.startswith("application/vnd.oasis.opendocument.") else None
    except (zipfile.BadZipFile, zipfile.LargeZipFile, OSError, EOFError, NotImplementedError, RuntimeError):
        return None  # RuntimeError: an encrypted entry
    return None


def _read_small(archive: zipfile.ZipFile, info: zipfile.ZipInfo) -> bytes:
    if info.file_size > ZIP_ENTRY_MAX_BYTES:
        return b""
    with archive.open(info) as entry:
        return entry.read(ZIP_ENTRY_MAX_BYTES)


def _ooxml_type(content_types: bytes) -> str | None:
    for match in CONTENT_TYPE_PATTERN.finditer(content_types):
        if match.group(1).decode() in OOXML_MAIN_PARTS:
            return OOXML_MAIN_PARTS[match.group(1).decode()]
    return None
