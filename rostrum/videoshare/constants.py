"""What a shared video can be, and the bounds its frames are checked against."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class VideoSource(models.TextChoices):
    LIBRARY = "library", _("Library video")
    YOUTUBE = "youtube", _("YouTube video")


YOUTUBE_ID_LENGTH = 11
# A YouTube video of unknown length may still be sought to anywhere within a day.
MAX_UNKNOWN_POSITION = 24 * 3600.0
TITLE_MAX_LENGTH = 255
