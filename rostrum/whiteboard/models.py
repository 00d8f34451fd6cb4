from django.db import models

from rostrum.whiteboard.constants import TEXT_MAX_LENGTH, ItemKind, RemovalReason


class Whiteboard(models.Model):
    """A session's shared board, made when an organiser first shows it. One per session."""

    session = models.OneToOneField("rooms.Session", on_delete=models.CASCADE, related_name="whiteboard")
    is_shown = models.BooleanField(default=False)
    # In a meeting, organisers may let every admitted participant draw; in a webinar only organisers do.
    everyone_may_draw = models.BooleanField(default=False)
    created_at = models.DateTimeField(auto_now_add=True)

    def __str__(self) -> str:
        return f"whiteboard {self.pk}"


class WhiteboardItem(models.Model):
    """One thing drawn on a board. Points are ``[x, y]`` from 0 to 1 across the board.

    Erasing, undoing and clearing set ``removed_at`` and never delete the row, so the board as it
    was at any moment can be drawn again (the recording's composition does): the items made by
    then and not yet removed (``rostrum.whiteboard.render.items_at``). For the same reason a redo
    never sets ``removed_at`` back: it adds a copy of the undone item.

    ``removal_reason`` says why a removed item went (empty while it is on the board, and on rows
    removed before reasons were kept); an author's ``undone`` items are their redo stack.
    """

    board = models.ForeignKey(Whiteboard, on_delete=models.CASCADE, related_name="items")
    kind = models.CharField(max_length=10, choices=ItemKind.choices)
    points = models.JSONField()
    colour = models.CharField(max_length=20)
    width = models.PositiveSmallIntegerField()
    text = models.CharField(max_length=TEXT_MAX_LENGTH, blank=True)
    author = models.ForeignKey("rooms.Participant", null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)
    removed_at = models.DateTimeField(null=True, blank=True)
    removed_by = models.ForeignKey(
        "rooms.Participant", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    removal_reason = models.CharField(max_length=12, choices=RemovalReason.choices, blank=True)

    class Meta:
        ordering = ["id"]
        indexes = [
            models.Index(fields=["board", "removed_at"], name="whiteboard_item_visible"),
            models.Index(fields=["author", "created_at"], name="whiteboard_item_author"),
        ]

    def __str__(self) -> str:
        return f"{self.kind} {self.pk}"

    @property
    def is_visible(self) -> bool:
        return self.removed_at is None
