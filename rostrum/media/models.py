"""What is published in a session: one row per feed a participant sends while they send it."""

from django.db import models
from django.db.models import Q

from rostrum.media.constants import FeedKind


class Publication(models.Model):
    """A participant's camera (and microphone) or screen on the SFU, from publish to unpublish."""

    session = models.ForeignKey("rooms.Session", on_delete=models.CASCADE, related_name="publications")
    participant = models.ForeignKey("rooms.Participant", on_delete=models.CASCADE, related_name="publications")
    kind = models.CharField(max_length=10, choices=FeedKind.choices)
    feed_id = models.PositiveBigIntegerField()
    has_audio = models.BooleanField(default=False)
    has_video = models.BooleanField(default=False)
    # The offer's m-line ids per kind ({"audio": ["0"], "video": ["1"]}): the SFU mutes by mid.
    mids = models.JSONField(default=dict)
    started_at = models.DateTimeField(auto_now_add=True)
    ended_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["started_at", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["session", "feed_id"], condition=Q(ended_at=None), name="publication_one_live_feed"
            )
        ]

    def __str__(self) -> str:
        return f"{self.participant} {self.kind}"
