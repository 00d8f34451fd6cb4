from datetime import timedelta

from django.db import models
from django.utils.translation import gettext_lazy as _


class Approval(models.TextChoices):
    AUTOMATIC = "automatic", _("Automatic: everyone who registers is in")
    MANUAL = "manual", _("Manual: I approve each registrant")


class FieldKind(models.TextChoices):
    TEXT = "text", _("Text")
    CHOICE = "choice", _("Choice from a list")
    CHECKBOX = "checkbox", _("Checkbox")


class RegistrantStatus(models.TextChoices):
    PENDING = "pending", _("Awaiting approval")
    APPROVED = "approved", _("Approved")
    REJECTED = "rejected", _("Rejected")


class MessageKind(models.TextChoices):
    PENDING = "pending", _("Awaiting approval")
    CONFIRMATION = "confirmation", _("Confirmation")
    REMINDER_DAY = "reminder_day", _("Reminder a day before")
    REMINDER_HOUR = "reminder_hour", _("Reminder an hour before")
    THANK_YOU = "thank_you", _("Thank you for attending")
    MISSED_YOU = "missed_you", _("Sorry we missed you")


# Registrants who count against the limit: a rejected one frees the place.
HOLDING_A_PLACE = (RegistrantStatus.PENDING, RegistrantStatus.APPROVED)

# Reminder kind → (how long before the start, the RegistrationSettings flag that switches it on).
REMINDERS = {
    MessageKind.REMINDER_DAY: (timedelta(days=1), "reminder_day_before"),
    MessageKind.REMINDER_HOUR: (timedelta(hours=1), "reminder_hour_before"),
}
# A reminder whose moment passed longer ago than this (worker down, room moved nearer) is stale:
# one that arrives at the wrong time misleads more than none.
REMINDER_STALE_AFTER = timedelta(minutes=30)
# Follow-ups wait this long after the session ends (a host may reopen a dropped session), and are
# not sent at all once this much later (a worker that was down for days sends no stale thanks).
FOLLOW_UP_DELAY = timedelta(minutes=10)
FOLLOW_UP_STALE_AFTER = timedelta(days=2)
FOLLOW_UPS = (MessageKind.THANK_YOU, MessageKind.MISSED_YOU)
# The same address asking again gets its link again, at most this often.
RESEND_INTERVAL = timedelta(minutes=10)

REGISTER_RATE = "10/m"  # registration attempts per IP address
JOIN_TOKEN_SALT = "registration.join"  # noqa: S105 — a signing salt, public by design
MAX_CUSTOM_FIELDS = 20
MAX_CHOICES = 30
