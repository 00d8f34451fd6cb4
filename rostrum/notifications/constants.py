"""Categories, statuses and delivery timing of outgoing e-mail."""

from datetime import timedelta

from django.db import models
from django.utils.translation import gettext_lazy as _


class EmailCategory(models.TextChoices):
    TRANSACTIONAL = "transactional", _("Transactional")
    MARKETING = "marketing", _("Marketing")


class EmailStatus(models.TextChoices):
    QUEUED = "queued", _("Queued")
    SENDING = "sending", _("Sending")
    SENT = "sent", _("Sent")
    RETRYING = "retrying", _("Retrying")
    FAILED = "failed", _("Failed")
    SUPPRESSED = "suppressed", _("Suppressed")


# Rows a worker may claim; everything else is settled or in someone's hands.
CLAIMABLE_STATUSES = (EmailStatus.QUEUED, EmailStatus.RETRYING)

# Wait after the 1st, 2nd, ... failed attempt; the last step repeats.
RETRY_DELAYS = (
    timedelta(minutes=1),
    timedelta(minutes=5),
    timedelta(minutes=15),
    timedelta(minutes=30),
    timedelta(hours=1),
)
# Temporary failures are retried until this long after the row was created, then it fails.
RETRY_WINDOW = timedelta(hours=24)
# A queued row whose on-commit enqueue was lost (worker restart, Redis flush) is picked up after this.
LOST_ENQUEUE_AFTER = timedelta(minutes=2)
# A row still "sending" this long after its claim belonged to a worker that died mid-send.
STUCK_SENDING_AFTER = timedelta(minutes=15)
# How many rows one sweep hands to the queue.
SWEEP_BATCH = 500


class SuppressionReason(models.TextChoices):
    HARD_BOUNCE = "hard_bounce", _("Hard bounce")
    MANUAL = "manual", _("Added by staff")
