"""Real files of each format, made here (Pillow, zipfile, ffmpeg), and uploads through the page."""

import io
import subprocess
import zipfile

from django.core.files.base import ContentFile
from django.core.files.uploadedfile import SimpleUploadedFile
from PIL import Image

from rostrum.library.models import LibraryFile

OOXML_MAIN = {
    "pptx": ("ppt/presentation.xml", "presentationml.presentation.main+xml"),
    "docx": ("word/document.xml", "wordprocessingml.document.main+xml"),
    "xlsx": ("xl/workbook.xml", "spreadsheetml.sheet.main+xml"),
    "pptm": ("ppt/presentation.xml", "ms-powerpoint.presentation.macroEnabled.main+xml"),
}


def image_bytes(image_format: str = "PNG") -> bytes:
    out = io.BytesIO()
    Image.new("RGB", (40, 30), "teal").save(out, image_format)
    return out.getvalue()


def pdf_bytes() -> bytes:
    return image_bytes("PDF")


def ooxml_bytes(extension: str) -> bytes:
    """A minimal Office Open XML package; ``[Content_Types].xml`` deliberately not the first entry."""
    part, content_type = OOXML_MAIN[extension]
    vendor = (
        "application/vnd.ms-" if content_type.startswith("ms-") else "application/vnd.openxmlformats-officedocument."
    )
    content_type = vendor + content_type.removeprefix("ms-")
    types = (
        '<?xml version="1.0" encoding="UTF-8"?><Types xmlns="http://schemas.openxmlformats.org/package/2006/'
        'content-types"><Default Extension="xml" ContentType="application/xml"/>'
        f'<Override PartName="/{part}" ContentType="{content_type}"/></Types>'
    )
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("_rels/.rels", "<Relationships/>")
        archive.writestr("[Content_Types].xml", types)
        archive.writestr(part, "<root/>")
    return out.getvalue()


def odf_bytes(mime_type: str = "application/vnd.oasis.opendocument.presentation") -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr(zipfile.ZipInfo("mimetype"), mime_type)  # stored, first, as ODF requires
        archive.writestr("content.xml", "<office:document-content/>")
    return out.getvalue()


def plain_zip_bytes() -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as archive:
        archive.writestr("notes.txt", "not a presentation")
    return out.getvalue()


def ffmpeg_bytes(tmp_path, name: str, *arguments: str) -> bytes:
    target = tmp_path / name
    command = ["ffmpeg", "-loglevel", "error", "-y", *arguments, str(target)]
    subprocess.run(command, check=True, timeout=60)  # noqa: S603 — ffmpeg with arguments written here
    return target.read_bytes()


def mp3_bytes(tmp_path) -> bytes:
    return ffmpeg_bytes(tmp_path, "tone.mp3", "-f", "lavfi", "-i", "sine=frequency=440:duration=0.3")


def mp4_bytes(tmp_path) -> bytes:
    source = ["-f", "lavfi", "-i", "color=c=teal:s=64x48:d=0.3"]
    return ffmpeg_bytes(tmp_path, "clip.mp4", *source, "-pix_fmt", "yuv420p")


def upload(client, content: bytes, file_name: str, /, *, headers=None, **data):
    """Post the upload form; ``data`` are its other fields (``name``, ``room``)."""
    files = {"file": SimpleUploadedFile(file_name, content)}
    return client.post("/library/upload/", {**files, **data}, headers=headers)


def make_library_file(membership, *, name: str = "deck.pdf", content: bytes = b"%PDF-1.4\n%%EOF\n", **fields):
    """A row with stored bytes, without the upload checks (fixtures, and quota set-ups via ``size``)."""
    fields = {
        "size": len(content),
        "mime_type": "application/pdf",
        "kind": "presentation",
        "document_type": "presentation_pdf",
        **fields,
    }
    return LibraryFile.objects.create(
        account=membership.account,
        uploaded_by=membership.user,
        name=name,
        original_name=name,
        file=ContentFile(content, name="upload"),
        **fields,
    )
