from django.db import models
from django.utils.translation import gettext_lazy as _

from rostrum.notifications.constants import EmailCategory, EmailStatus, SuppressionReason


class OutboxMessage(models.Model):
    """An e-mail as the embedded default delivers it: kept here and as a .eml file for the operator.

    This is the embedded backend's local mailbox (what was handed to it), not the queue: the queue is
    ``OutgoingEmail``. The two meet on ``message_id``.
    """

    from_email = models.CharField(max_length=254)
    to = models.TextField(help_text="Recipients, one per line.")
    subject = models.CharField(max_length=998)
    body = models.TextField()
    html_body = models.TextField(blank=True)
    message_id = models.CharField(max_length=255, blank=True, db_index=True)
    eml_path = models.CharField(max_length=500, blank=True)
    created_at = models.DateTimeField(auto_now_add=True, db_index=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = _("outbox message")

    def __str__(self) -> str:
        return self.subject

    @property
    def recipients(self) -> list[str]:
        return [line for line in self.to.splitlines() if line]


class OutgoingEmail(models.Model):
    """One message to one recipient, from rendering to delivery (see ADR 0007).

    Rows are created in the caller's transaction; a worker claims a row (``sending``) before it talks
    to the mail server, so no two workers send the same row.
    """

    account = models.ForeignKey(
        "accounts.Account", null=True, blank=True, on_delete=models.SET_NULL, related_name="outgoing_emails"
    )
    category = models.CharField(max_length=20, choices=EmailCategory.choices, default=EmailCategory.TRANSACTIONAL)
    kind = models.CharField(max_length=100, blank=True, help_text=_("What the message is, as a dotted code."))
    from_email = models.CharField(max_length=254)
    to_email = models.EmailField(max_length=254, db_index=True)
    language = models.CharField(max_length=10)
    subject = models.CharField(max_length=998)
    body = models.TextField()
    html_body = models.TextField(blank=True)
    headers = models.JSONField(default=dict, blank=True)
    message_id = models.CharField(max_length=255, unique=True)
    status = models.CharField(max_length=20, choices=EmailStatus.choices, default=EmailStatus.QUEUED, db_index=True)
    attempts = models.PositiveIntegerField(default=0)
    next_attempt_at = models.DateTimeField(db_index=True)
    claimed_at = models.DateTimeField(null=True, blank=True)
    last_error = models.TextField(blank=True)
    created_at = models.DateTimeField(auto_now_add=True, db_index=True)
    sent_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = _("outgoing e-mail")
        verbose_name_plural = _("outgoing e-mails")

    def __str__(self) -> str:
        return f"{self.to_email}: {self.subject}"


class OutgoingAttachment(models.Model):
    message = models.ForeignKey(OutgoingEmail, on_delete=models.CASCADE, related_name="attachments")
    filename = models.CharField(max_length=255)
    mimetype = models.CharField(max_length=255)
    content = models.BinaryField()

    class Meta:
        ordering = ["id"]
        verbose_name = _("e-mail attachment")

    def __str__(self) -> str:
        return self.filename


class Suppression(models.Model):
    """An address nothing is sent to any more (a hard bounce, or staff said so)."""

    email = models.EmailField(max_length=254, unique=True, help_text=_("Stored lower-cased."))
    reason = models.CharField(max_length=20, choices=SuppressionReason.choices)
    detail = models.TextField(blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-created_at"]
        verbose_name = _("suppressed address")
        verbose_name_plural = _("suppressed addresses")

    def __str__(self) -> str:
        return self.email
