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
    # The SFU's description of what it receives ([{"type", "mindex", "mid", "codec", ...}]): what an
    # edge node is told to expect when the feed is relayed there (``rostrum.media.cascade``).
    streams = models.JSONField(default=list)
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


class MediaNodeRoom(models.Model):
    """A session's room on one SFU node, while it lasts: its **origin** (where its feeds are
    published), or an **edge** (the feeds relayed from the origin, for more subscribers).

    The rows are where every app process reads the placement from: the first process that needs
    the session's room decides (``rostrum.media.placement``) and the others follow it.
    """

    session = models.ForeignKey("rooms.Session", on_delete=models.CASCADE, related_name="media_rooms")
    node = models.CharField(max_length=200)  # the node's control URL, one of MEDIA_NODES
    is_origin = models.BooleanField(default=False)
    created_at = models.DateTimeField(auto_now_add=True)
    ended_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["created_at", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["session", "node"], condition=Q(ended_at=None), name="media_node_room_one_per_node"
            ),
            models.UniqueConstraint(
                fields=["session"], condition=Q(ended_at=None, is_origin=True), name="media_node_room_one_origin"
            ),
        ]

    def __str__(self) -> str:
        return f"{'origin' if self.is_origin else 'edge'} of session {self.session_id} on {self.node}"


class MediaSubscription(models.Model):
    """One socket's subscriber connection in a node room, while it lasts: a node's load is the
    count of its live rows (every app process sees them)."""

    room = models.ForeignKey(MediaNodeRoom, on_delete=models.CASCADE, related_name="subscriptions")
    participant = models.ForeignKey("rooms.Participant", on_delete=models.CASCADE, related_name="+")
    started_at = models.DateTimeField(auto_now_add=True)
    ended_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        indexes = [models.Index(fields=["room"], condition=Q(ended_at=None), name="media_subscription_live")]

    def __str__(self) -> str:
        return f"{self.participant} on {self.room}"
