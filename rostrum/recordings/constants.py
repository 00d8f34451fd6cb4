from django.db import models
from django.utils.translation import gettext_lazy as _

VIEW_PERMISSION = "view_rooms"  # analysts may watch and download the account's recordings
MANAGE_PERMISSION = "manage_rooms"  # share, delete, room settings

MAX_ATTEMPTS = 3  # post-processing tries before a recording is marked failed
STUCK_AFTER_MINUTES = 30  # processing for longer than this: the worker died, queue it again
SIGNED_LINK_MAX_AGE = 7 * 24 * 3600  # a signed share link works for 7 days
SIGNED_LINK_SALT = "rostrum.recordings.share"


class RecordingStatus(models.TextChoices):
    RECORDING = "recording", _("Recording")
    PROCESSING = "processing", _("Processing")
    READY = "ready", _("Ready")
    FAILED = "failed", _("Failed")


class TrackKind(models.TextChoices):
    AUDIO = "audio", _("Audio")
    VIDEO = "video", _("Camera")
    SCREEN = "screen", _("Screen")
