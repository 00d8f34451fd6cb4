from django.db import models
from django.utils.translation import gettext_lazy as _


class QuestionState(models.TextChoices):
    OPEN = "open", _("Open")
    ANSWERED = "answered", _("Answered")
    DISMISSED = "dismissed", _("Dismissed")


class PollKind(models.TextChoices):
    SINGLE = "single", _("Single choice")
    MULTIPLE = "multiple", _("Multiple choice")
    TEXT = "text", _("Free text")


class PollState(models.TextChoices):
    DRAFT = "draft", _("Prepared")
    OPEN = "open", _("Open for votes")
    CLOSED = "closed", _("Closed")


CHAT_MAX_LENGTH = 2000
# Per participant: at most this many chat messages in this many seconds.
CHAT_RATE_COUNT = 5
CHAT_RATE_SECONDS = 10
RECENT_CHAT_IN_SNAPSHOT = 200
CTA_MAX_SECONDS = 3600

# Presentations (rostrum.engagement.actions.presentations): what a stroke drawn on a slide may be.
# Colours are names from a fixed palette; the browser maps each to its shade.
STROKE_COLOURS = ("red", "blue", "green", "orange", "black")
STROKE_MAX_POINTS = 2000
STROKE_MIN_WIDTH = 1
STROKE_MAX_WIDTH = 24

# Files in chat (rostrum.engagement.actions.chat_files): what a participant may post, by the type
# its content sniffs as (rostrum.library.sniffing), never by its name. No archives, no HTML, no SVG.
CHAT_FILE_TYPES = {
    "application/pdf": "PDF",
    "image/png": "PNG",
    "image/jpeg": "JPEG",
    "image/gif": "GIF",
    "image/webp": "WebP",
    "application/vnd.openxmlformats-officedocument.wordprocessingml.document": "Word",
    "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet": "Excel",
    "application/vnd.openxmlformats-officedocument.presentationml.presentation": "PowerPoint",
    "application/vnd.oasis.opendocument.text": "OpenDocument Text",
    "application/vnd.oasis.opendocument.spreadsheet": "OpenDocument Spreadsheet",
    "application/vnd.oasis.opendocument.presentation": "OpenDocument Presentation",
    "text/plain": "Text",
    "text/csv": "CSV",
}
# libmagic's other names for a CSV file.
CHAT_FILE_TYPE_ALIASES = {"application/csv": "text/csv"}
CHAT_FILE_NAME_MAX_LENGTH = 200
# Per participant: at most this many files in this many seconds.
CHAT_FILE_RATE_COUNT = 10
CHAT_FILE_RATE_SECONDS = 60
