"""Recordings of live sessions: the MP4 made after a session from the SFU's ``.mjr`` files."""

import secrets

from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from rostrum.core.storage import StoredFile, private_storage, stored_in  # served only through access-checked views
from rostrum.recordings.constants import RecordingStatus, TrackKind


def recording_file_key(instance, filename: str) -> str:
    return f"recordings/{instance.account_id}/{secrets.token_hex(16)}.mp4"


class RecordingSettings(models.Model):
    """A room's recording preferences (kept here, not on Room: recording is this app's business)."""

    room = models.OneToOneField("rooms.Room", on_delete=models.CASCADE, related_name="recording_settings")
    records_automatically = models.BooleanField(_("record automatically"), default=False)

    def __str__(self) -> str:
        return f"recording settings of {self.room}"


class Recording(models.Model):
    """One recording of a session, from ``recording.start`` to ``recording.stop`` (or the session's end)."""

    account = models.ForeignKey("accounts.Account", on_delete=models.CASCADE, related_name="recordings")
    room = models.ForeignKey("rooms.Room", null=True, on_delete=models.SET_NULL, related_name="recordings")
    session = models.ForeignKey("rooms.Session", null=True, on_delete=models.SET_NULL, related_name="recordings")
    started_by = models.ForeignKey("rooms.Participant", null=True, on_delete=models.SET_NULL, related_name="+")
    status = models.CharField(max_length=20, choices=RecordingStatus.choices, default=RecordingStatus.RECORDING)
    # The folder on the media node where Janus writes this recording's .mjr files (the room's rec_dir).
    spool_dir = models.CharField(max_length=500)
    started_at = models.DateTimeField(auto_now_add=True)
    stopped_at = models.DateTimeField(null=True, blank=True)
    duration_seconds = models.FloatField(default=0)
    size_bytes = models.PositiveBigIntegerField(default=0)
    file = models.FileField(upload_to=recording_file_key, storage=private_storage, max_length=255, blank=True)
    share_token = models.CharField(max_length=64, blank=True, db_index=True)
    is_public = models.BooleanField(default=False)
    error = models.CharField(max_length=1000, blank=True)
    attempts = models.PositiveSmallIntegerField(default=0)
    processing_started_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["session"], condition=Q(status="recording"), name="recording_one_running_per_session"
            )
        ]

    def __str__(self) -> str:
        return f"recording {self.pk} of {self.room}"

    @property
    def is_ready(self) -> bool:
        return self.status == RecordingStatus.READY


def recording_files_of_accounts(accounts: models.QuerySet) -> list[StoredFile]:
    """The MP4s deleting ``accounts`` leaves behind (registered under ``accounts.Account``)."""
    return stored_in(Recording.objects.filter(account__in=accounts), "file")


class RecordingTrack(models.Model):
    """One ``.mjr`` file of a recording after ``janus-pp-rec``: whose stream, what, and when it starts."""

    recording = models.ForeignKey(Recording, on_delete=models.CASCADE, related_name="tracks")
    feed_id = models.PositiveBigIntegerField()
    kind = models.CharField(max_length=10, choices=TrackKind.choices)
    codec = models.CharField(max_length=20)
    source = models.CharField(max_length=500)  # the .mjr file
    output = models.CharField(max_length=500, blank=True)  # the .opus/.webm/.mp4 made from it
    first_timestamp_us = models.BigIntegerField(default=0)  # wall clock of its first packet (µs)
    duration_seconds = models.FloatField(default=0)

    class Meta:
        ordering = ["first_timestamp_us", "id"]
        constraints = [models.UniqueConstraint(fields=["recording", "source"], name="recording_track_one_per_file")]

    def __str__(self) -> str:
        return f"{self.kind} of feed {self.feed_id}"


class RecordingEvent(models.Model):
    """The recording's timeline: what the room showed besides cameras and screens, and when
    (``slide.shown`` with ``{"image": <private storage key>}``, ``slide.cleared``, ``whiteboard.shown``
    …; ``rostrum.recordings.timeline`` reads them).
    Other apps write rows with ``rostrum.recordings.actions.do_add_timeline_entry``."""

    recording = models.ForeignKey(Recording, on_delete=models.CASCADE, related_name="timeline")
    at = models.DateTimeField()
    kind = models.CharField(max_length=60)
    data = models.JSONField(default=dict)

    class Meta:
        ordering = ["at", "id"]

    def __str__(self) -> str:
        return f"{self.kind} at {self.at}"
