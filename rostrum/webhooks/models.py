import uuid

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from rostrum.webhooks.constants import DeliveryStatus


class Webhook(models.Model):
    """An address of the account's that is told about the events it subscribes to, signed with ``secret``.

    The secret is kept as issued: it signs every delivery, and the owner reads it to verify them.
    """

    account = models.ForeignKey("accounts.Account", on_delete=models.CASCADE, related_name="webhooks")
    url = models.URLField(_("URL"), max_length=2000)
    events = models.JSONField(_("events"), default=list, help_text=_("Event names, e.g. registration.created."))
    secret = models.CharField(max_length=100)
    is_active = models.BooleanField(_("active"), default=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["created_at", "id"]
        verbose_name = _("webhook")

    def __str__(self) -> str:
        return self.url


class WebhookDelivery(models.Model):
    """One event for one webhook, from creation to delivery (the same outbox design as e-mail, ADR 0007).

    A worker claims it (``sending``) with one conditional UPDATE before it connects, so no two workers
    send the same delivery at once. ``delivery_id`` stays the same across attempts: receivers use it
    to recognise a repeat.
    """

    webhook = models.ForeignKey(Webhook, on_delete=models.CASCADE, related_name="deliveries")
    delivery_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    event = models.CharField(max_length=50)
    payload = models.JSONField(default=dict, blank=True)
    status = models.CharField(
        max_length=20, choices=DeliveryStatus.choices, default=DeliveryStatus.PENDING, db_index=True
    )
    attempts = models.PositiveIntegerField(default=0)
    next_attempt_at = models.DateTimeField(db_index=True)
    claimed_at = models.DateTimeField(null=True, blank=True)
    last_status_code = models.PositiveSmallIntegerField(null=True, blank=True)
    last_error = models.TextField(blank=True)
    created_at = models.DateTimeField(auto_now_add=True, db_index=True)
    delivered_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = _("webhook delivery")
        verbose_name_plural = _("webhook deliveries")

    def __str__(self) -> str:
        return f"{self.event} {self.delivery_id}"
