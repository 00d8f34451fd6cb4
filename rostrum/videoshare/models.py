from django.db import models

from rostrum.videoshare.constants import TITLE_MAX_LENGTH, YOUTUBE_ID_LENGTH, VideoSource


class SharedVideo(models.Model):
    """A video played to everyone in a session, in sync. One is open per session at a time.

    The play state is ``playing`` with ``position`` (seconds) as of ``position_at``: while it
    plays, the position now is ``position + (now - position_at) * rate``, so nothing is written
    while a video simply runs and a late joiner still starts at the right place.
    """

    session = models.ForeignKey("rooms.Session", on_delete=models.CASCADE, related_name="shared_videos")
    source = models.CharField(max_length=10, choices=VideoSource.choices)
    file = models.ForeignKey(
        "library.LibraryFile", null=True, blank=True, on_delete=models.CASCADE, related_name="shared_videos"
    )
    youtube_id = models.CharField(max_length=YOUTUBE_ID_LENGTH, blank=True)
    title = models.CharField(max_length=TITLE_MAX_LENGTH)
    opened_by = models.ForeignKey(
        "rooms.Participant", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    # Who may play, pause and seek; the opener until an organiser hands control on.
    controller = models.ForeignKey(
        "rooms.Participant", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    playing = models.BooleanField(default=False)
    position = models.FloatField(default=0.0)
    position_at = models.DateTimeField()
    rate = models.FloatField(default=1.0)
    duration = models.FloatField(null=True, blank=True)  # seconds; unknown for YouTube
    opened_at = models.DateTimeField(auto_now_add=True)
    closed_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["id"]
        constraints = [
            models.UniqueConstraint(
                fields=["session"], condition=models.Q(closed_at=None), name="one_open_shared_video_per_session"
            ),
            models.CheckConstraint(condition=models.Q(position__gte=0), name="shared_video_position_not_negative"),
            models.CheckConstraint(
                condition=(models.Q(source="library", file__isnull=False) | models.Q(source="youtube", file=None))
                & ~models.Q(source="youtube", youtube_id=""),
                name="shared_video_source_matches",
            ),
        ]

    def __str__(self) -> str:
        return f"shared video {self.pk}"

    @property
    def is_open(self) -> bool:
        return self.closed_at is None
