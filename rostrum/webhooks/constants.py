"""Events a webhook can subscribe to, delivery statuses, and delivery timing."""

from django.db import models
from django.utils.translation import gettext_lazy as _

from rostrum.core import events

# The same timing as outgoing e-mail (ADR 0007): backoff of 1, 5, 15, 30 minutes then hourly, for
# 24 hours after the delivery was created; the helper is notifications.actions.retry_delay.
from rostrum.notifications.constants import LOST_ENQUEUE_AFTER, RETRY_WINDOW, STUCK_SENDING_AFTER, SWEEP_BATCH

__all__ = ["LOST_ENQUEUE_AFTER", "RETRY_WINDOW", "STUCK_SENDING_AFTER", "SWEEP_BATCH"]

# What a webhook can subscribe to, as shown to organisers.
EVENT_CHOICES = [
    (events.REGISTRATION_CREATED, _("Registration created")),
    (events.SESSION_STARTED, _("Session started")),
    (events.SESSION_ENDED, _("Session ended")),
    (events.ATTENDEE_JOINED, _("Attendee joined")),
    (events.ATTENDEE_LEFT, _("Attendee left")),
    (events.RECORDING_READY, _("Recording ready")),
    (events.FILE_CONVERTED, _("File converted")),
]
# Sent only by "Send a test event", to one webhook, whatever it subscribes to.
PING = "ping"


class DeliveryStatus(models.TextChoices):
    PENDING = "pending", _("Pending")
    SENDING = "sending", _("Sending")
    DELIVERED = "delivered", _("Delivered")
    RETRYING = "retrying", _("Retrying")
    FAILED = "failed", _("Failed")


# Deliveries a worker may claim; everything else is settled or in someone's hands.
CLAIMABLE_STATUSES = (DeliveryStatus.PENDING, DeliveryStatus.RETRYING)

# Connect and read timeout of one attempt, in seconds (settings.WEBHOOK_TIMEOUT overrides it).
DEFAULT_TIMEOUT = 10
# What of a receiver's answer we keep for the log.
RESPONSE_EXCERPT_BYTES = 1024
SECRET_PREFIX = "whsec_"  # noqa: S105 -- a visible prefix that marks the secret as ours, not a secret
DELIVERIES_PER_PAGE = 50
