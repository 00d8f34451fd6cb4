from django.db import models
from django.utils.translation import gettext_lazy as _


class FeedKind(models.TextChoices):
    CAMERA = "camera", _("Camera and microphone")
    SCREEN = "screen", _("Screen")


class Floor(models.TextChoices):
    """What an attendee of a webinar may publish, given by an organiser (organisers always may)."""

    NONE = "", _("No floor")
    AUDIO = "audio", _("Microphone")
    AUDIO_VIDEO = "audio_video", _("Microphone and camera")


FEED_KIND_NUMBER = {FeedKind.CAMERA: 1, FeedKind.SCREEN: 2}


def feed_id_for(participant_id: int, kind: str) -> int:
    """A feed's number on the SFU: unique in the session, stable for a participant and kind."""
    return participant_id * 4 + FEED_KIND_NUMBER[kind]
