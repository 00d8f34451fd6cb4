"""What the file library accepts, and the words it uses for a file's kind and state."""

from dataclasses import dataclass

from django.db import models
from django.utils.translation import gettext_lazy as _

# Viewing and downloading the library is for every member; changing it is organisers' work.
VIEW_PERMISSION = "view_rooms"
MANAGE_PERMISSION = "manage_rooms"


class FileKind(models.TextChoices):
    PRESENTATION = "presentation", _("Presentation")
    DOCUMENT = "document", _("Document")
    SPREADSHEET = "spreadsheet", _("Spreadsheet")
    IMAGE = "image", _("Image")
    VIDEO = "video", _("Video")
    AUDIO = "audio", _("Audio")


class FileStatus(models.TextChoices):
    UPLOADED = "uploaded", _("Uploaded")
    WAITING_FOR_CONVERSION = "waiting_for_conversion", _("Waiting for conversion")
    CONVERTING = "converting", _("Converting")
    CONVERTED = "converted", _("Ready")
    FAILED = "failed", _("Cannot be used")


@dataclass(frozen=True)
class FileFormat:
    """One accepted format. ``mime_type`` is the sniffed type; ``document_type`` is the ClickMeeting
    API's word for it; ``needs_conversion``: whether the room can show the bytes only after a
    conversion (pages rendered to images, video transcoded) — see docs/library.md."""

    mime_type: str
    label: str
    extensions: tuple[str, ...]
    kind: str
    document_type: str
    needs_conversion: bool


def _format(mime_type, label, extensions, kind, document_type, needs_conversion) -> FileFormat:
    return FileFormat(mime_type, label, tuple(extensions.split()), kind, document_type, needs_conversion)


K = FileKind
# document_type follows the ClickMeeting file object (`presentation_pdf`, `image`, …): presentations
# and documents are `<kind>_<format>`, images, video and audio are the bare kind.
FORMATS: tuple[FileFormat, ...] = (
    _format("application/pdf", "PDF", "pdf", K.PRESENTATION, "presentation_pdf", True),
    _format(
        "application/vnd.ms-powerpoint", _("PowerPoint 97–2003"), "ppt pps", K.PRESENTATION, "presentation_ppt", True
    ),
    _format(
        "application/vnd.openxmlformats-officedocument.presentationml.presentation",
        "PowerPoint",
        "pptx",
        K.PRESENTATION,
        "presentation_pptx",
        True,
    ),
    _format(
        "application/vnd.openxmlformats-officedocument.presentationml.slideshow",
        _("PowerPoint Show"),
        "ppsx",
        K.PRESENTATION,
        "presentation_ppsx",
        True,
    ),
    _format(
        "application/vnd.oasis.opendocument.presentation",
        _("OpenDocument Presentation"),
        "odp",
        K.PRESENTATION,
        "presentation_odp",
        True,
    ),
    _format("application/msword", _("Word 97–2003"), "doc", K.DOCUMENT, "document_doc", True),
    _format(
        "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
        "Word",
        "docx",
        K.DOCUMENT,
        "document_docx",
        True,
    ),
    _format("application/vnd.oasis.opendocument.text", _("OpenDocument Text"), "odt", K.DOCUMENT, "document_odt", True),
    _format("application/vnd.ms-excel", _("Excel 97–2003"), "xls", K.SPREADSHEET, "document_xls", True),
    _format(
        "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        "Excel",
        "xlsx",
        K.SPREADSHEET,
        "document_xlsx",
        True,
    ),
    _format(
        "application/vnd.oasis.opendocument.spreadsheet",
        _("OpenDocument Spreadsheet"),
        "ods",
        K.SPREADSHEET,
        "document_ods",
        True,
    ),
    _format("image/png", "PNG", "png", K.IMAGE, "image", False),
    _format("image/jpeg", "JPEG", "jpg jpeg", K.IMAGE, "image", False),
    _format("image/gif", "GIF", "gif", K.IMAGE, "image", False),
    _format("image/webp", "WebP", "webp", K.IMAGE, "image", False),
    _format("video/mp4", "MP4", "mp4 m4v", K.VIDEO, "video", True),
    _format("video/quicktime", "QuickTime", "mov", K.VIDEO, "video", True),
    _format("video/webm", "WebM", "webm", K.VIDEO, "video", True),
    _format("video/x-matroska", "Matroska", "mkv", K.VIDEO, "video", True),
    _format("video/x-msvideo", "AVI", "avi", K.VIDEO, "video", True),
    _format("audio/mpeg", "MP3", "mp3", K.AUDIO, "audio", False),
    _format("audio/x-wav", "WAV", "wav", K.AUDIO, "audio", False),
    _format("audio/ogg", "Ogg", "ogg oga", K.AUDIO, "audio", False),
    _format("audio/x-m4a", "AAC (M4A)", "m4a", K.AUDIO, "audio", False),
    _format("audio/flac", "FLAC", "flac", K.AUDIO, "audio", False),
)
FORMATS_BY_MIME = {file_format.mime_type: file_format for file_format in FORMATS}

# libmagic's other names for types above (they differ between versions of its database).
MIME_ALIASES = {
    "audio/wav": "audio/x-wav",
    "audio/vnd.wave": "audio/x-wav",
    "audio/x-flac": "audio/flac",
    "audio/mp4": "audio/x-m4a",
    "video/x-m4v": "video/mp4",
    "video/avi": "video/x-msvideo",
    "video/msvideo": "video/x-msvideo",
    "video/matroska": "video/x-matroska",
}

NAME_MAX_LENGTH = 200
