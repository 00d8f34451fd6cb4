"""What happens inside a session: chat, questions, polls, calls to action.

Hands are a field of the participant (``rooms.Participant.hand_raised_at``).
"""

import secrets

from django.db import models

from rostrum.core.storage import StoredFile, private_storage, stored_in  # served only through access-checked views
from rostrum.engagement.constants import CHAT_FILE_NAME_MAX_LENGTH, PollKind, PollState, QuestionState


class ChatMessage(models.Model):
    """Public when it has no recipient and is not for the organisers; private otherwise."""

    session = models.ForeignKey("rooms.Session", on_delete=models.CASCADE, related_name="chat_messages")
    author = models.ForeignKey("rooms.Participant", on_delete=models.CASCADE, related_name="+")
    recipient = models.ForeignKey(
        "rooms.Participant", null=True, blank=True, on_delete=models.CASCADE, related_name="+"
    )
    to_organisers = models.BooleanField(default=False)
    text = models.TextField(max_length=2000)
    created_at = models.DateTimeField(auto_now_add=True)
    deleted_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["id"]

    def __str__(self) -> str:
        return self.text[:40]

    @property
    def is_private(self) -> bool:
        return self.to_organisers or self.recipient_id is not None


def chat_file_key(instance, filename: str) -> str:
    """A key of our own: the sender's file name never becomes a path."""
    return f"chat/{instance.session_id}/{secrets.token_hex(16)}"


class ChatAttachment(models.Model):
    """A file posted in chat: the message it came with, its sniffed type and its bytes in private storage.

    Kept with the session (reports, the API's chat archive); served only to the session's
    participants who can see the message, and to the account's members with ``view_reports``.
    """

    session = models.ForeignKey("rooms.Session", on_delete=models.CASCADE, related_name="chat_attachments")
    message = models.OneToOneField(ChatMessage, on_delete=models.CASCADE, related_name="attachment")
    uploaded_by = models.ForeignKey("rooms.Participant", on_delete=models.CASCADE, related_name="+")
    name = models.CharField(max_length=CHAT_FILE_NAME_MAX_LENGTH)  # the sender's, cleaned; only ever shown
    content_type = models.CharField(max_length=120)  # sniffed from the content
    size = models.PositiveBigIntegerField()
    file = models.FileField(upload_to=chat_file_key, storage=private_storage, max_length=255)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["id"]
        indexes = [models.Index(fields=["uploaded_by", "created_at"], name="chat_attachment_sender_time")]

    def __str__(self) -> str:
        return self.name


def chat_files_of_sessions(sessions: models.QuerySet) -> list[StoredFile]:
    """The chat files deleting ``sessions`` leaves behind (registered under ``rooms.Session``)."""
    return stored_in(ChatAttachment.objects.filter(session__in=sessions), "file")


class Question(models.Model):
    session = models.ForeignKey("rooms.Session", on_delete=models.CASCADE, related_name="questions")
    author = models.ForeignKey("rooms.Participant", on_delete=models.CASCADE, related_name="+")
    text = models.TextField(max_length=1000)
    state = models.CharField(max_length=20, choices=QuestionState.choices, default=QuestionState.OPEN)
    answer = models.TextField(max_length=2000, blank=True)
    answered_privately = models.BooleanField(default=False)
    answered_by = models.ForeignKey(
        "rooms.Participant", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    answered_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["id"]

    def __str__(self) -> str:
        return self.text[:40]


class Poll(models.Model):
    session = models.ForeignKey("rooms.Session", on_delete=models.CASCADE, related_name="polls")
    question = models.CharField(max_length=300)
    kind = models.CharField(max_length=20, choices=PollKind.choices, default=PollKind.SINGLE)
    state = models.CharField(max_length=20, choices=PollState.choices, default=PollState.DRAFT)
    created_at = models.DateTimeField(auto_now_add=True)
    opened_at = models.DateTimeField(null=True, blank=True)
    closed_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["id"]

    def __str__(self) -> str:
        return self.question


class PollOption(models.Model):
    poll = models.ForeignKey(Poll, on_delete=models.CASCADE, related_name="options")
    text = models.CharField(max_length=200)
    position = models.PositiveSmallIntegerField()

    class Meta:
        ordering = ["position"]

    def __str__(self) -> str:
        return self.text


class PollBallot(models.Model):
    """One participant's answer to one poll: the unique constraint is the one-vote rule."""

    poll = models.ForeignKey(Poll, on_delete=models.CASCADE, related_name="ballots")
    participant = models.ForeignKey("rooms.Participant", on_delete=models.CASCADE, related_name="+")
    choices = models.ManyToManyField(PollOption, blank=True, related_name="ballots")
    text = models.TextField(max_length=1000, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["poll", "participant"], name="one_ballot_per_participant")]

    def __str__(self) -> str:
        return f"ballot {self.pk}"


class CallToAction(models.Model):
    session = models.ForeignKey("rooms.Session", on_delete=models.CASCADE, related_name="calls_to_action")
    text = models.CharField(max_length=120)
    url = models.URLField(max_length=500)
    shown_at = models.DateTimeField(auto_now_add=True)
    hides_at = models.DateTimeField()
    hidden_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["id"]

    def __str__(self) -> str:
        return self.text


class CallToActionClick(models.Model):
    call_to_action = models.ForeignKey(CallToAction, on_delete=models.CASCADE, related_name="clicks")
    participant = models.ForeignKey("rooms.Participant", on_delete=models.CASCADE, related_name="+")
    clicked_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["call_to_action", "participant"], name="one_click_per_participant")
        ]

    def __str__(self) -> str:
        return f"click {self.pk}"


class Presentation(models.Model):
    """A converted library file shown in a session, page by page. One is open per session at a time.

    ``page_count`` is read from the file's pages when it is opened, so the bounds a page change is
    checked against do not move under a presentation that is being shown.
    """

    session = models.ForeignKey("rooms.Session", on_delete=models.CASCADE, related_name="presentations")
    file = models.ForeignKey("library.LibraryFile", on_delete=models.CASCADE, related_name="presentations")
    opened_by = models.ForeignKey(
        "rooms.Participant", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    # Who may move the pages, point and draw; the opener until an organiser hands control on.
    controller = models.ForeignKey(
        "rooms.Participant", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    page = models.PositiveIntegerField(default=1)
    page_count = models.PositiveIntegerField()
    downloads_allowed = models.BooleanField(default=False)
    opened_at = models.DateTimeField(auto_now_add=True)
    closed_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["id"]
        constraints = [
            models.UniqueConstraint(
                fields=["session"], condition=models.Q(closed_at=None), name="one_open_presentation_per_session"
            ),
            models.CheckConstraint(condition=models.Q(page__gte=1), name="presentation_page_from_1"),
        ]

    def __str__(self) -> str:
        return f"presentation {self.pk}"

    @property
    def is_open(self) -> bool:
        return self.closed_at is None


class PresentationStroke(models.Model):
    """A line drawn on one page of a presentation: points are ``[x, y]`` from 0 to 1 across the page."""

    presentation = models.ForeignKey(Presentation, on_delete=models.CASCADE, related_name="strokes")
    page = models.PositiveIntegerField()
    points = models.JSONField()
    colour = models.CharField(max_length=20)
    width = models.PositiveSmallIntegerField()
    author = models.ForeignKey("rooms.Participant", null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["id"]
        indexes = [models.Index(fields=["presentation", "page"], name="stroke_presentation_page")]

    def __str__(self) -> str:
        return f"stroke {self.pk}"
