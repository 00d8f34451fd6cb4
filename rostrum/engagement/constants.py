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
