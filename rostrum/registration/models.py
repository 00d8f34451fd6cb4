from django.db import models
from django.utils.translation import gettext_lazy as _

from rostrum.accounts.constants import validate_timezone
from rostrum.core.ids import random_token
from rostrum.registration.constants import Approval, FieldKind, MessageKind, RegistrantStatus


class RegistrationSettings(models.Model):
    """Whether a room takes registrations, and how: approval, a limit, consent, reminders, follow-up."""

    room = models.OneToOneField("rooms.Room", on_delete=models.CASCADE, related_name="registration")
    enabled = models.BooleanField(_("registration is on"), default=False)
    approval = models.CharField(_("approval"), max_length=20, choices=Approval.choices, default=Approval.AUTOMATIC)
    max_registrants = models.PositiveIntegerField(
        _("most registrants"), null=True, blank=True, help_text=_("Leave empty for no limit.")
    )
    consent_text = models.TextField(
        _("consent text"),
        blank=True,
        max_length=2000,
        help_text=_("When given, registrants must tick a box with this text. Leave empty for no consent box."),
    )
    reminder_day_before = models.BooleanField(_("reminder a day before"), default=True)
    reminder_hour_before = models.BooleanField(_("reminder an hour before"), default=True)
    follow_up_enabled = models.BooleanField(_("follow-up e-mail after the session"), default=False)
    follow_up_text = models.TextField(
        _("follow-up text"),
        blank=True,
        max_length=5000,
        help_text=_("Added to the thank-you and the “sorry we missed you” e-mails."),
    )

    class Meta:
        verbose_name = _("registration settings")

    def __str__(self) -> str:
        return f"registration for {self.room}"


class RegistrationField(models.Model):
    """A question on a room's registration form, besides first name, last name and e-mail."""

    room = models.ForeignKey("rooms.Room", on_delete=models.CASCADE, related_name="registration_fields")
    kind = models.CharField(_("kind"), max_length=20, choices=FieldKind.choices, default=FieldKind.TEXT)
    label = models.CharField(_("question"), max_length=200)
    choices = models.TextField(_("choices"), blank=True, help_text=_("For a choice: one per line."))
    required = models.BooleanField(_("must be answered"), default=False)
    position = models.PositiveIntegerField(default=0)

    class Meta:
        ordering = ["position", "id"]

    def __str__(self) -> str:
        return self.label

    @property
    def choice_list(self) -> list[str]:
        return [line.strip() for line in self.choices.splitlines() if line.strip()]


def new_nonce() -> str:
    return random_token(16)


class Registrant(models.Model):
    """A person registered for a room. Their join link is signed over their id, the room and ``nonce``."""

    room = models.ForeignKey("rooms.Room", on_delete=models.CASCADE, related_name="registrants")
    first_name = models.CharField(_("first name"), max_length=100)
    last_name = models.CharField(_("last name"), max_length=100)
    email = models.EmailField(_("e-mail address"))
    status = models.CharField(
        _("status"), max_length=20, choices=RegistrantStatus.choices, default=RegistrantStatus.PENDING
    )
    answers = models.JSONField(default=dict, blank=True)  # str(RegistrationField.id) → answer
    consent_given_at = models.DateTimeField(null=True, blank=True)
    language = models.CharField(max_length=10)
    timezone = models.CharField(max_length=64, default="UTC", validators=[validate_timezone])
    nonce = models.CharField(max_length=32, default=new_nonce)  # a new one revokes the join link
    created_at = models.DateTimeField(auto_now_add=True, db_index=True)
    decided_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["room", "email"], name="registrant_unique_email_per_room")]
        ordering = ["created_at", "id"]

    def __str__(self) -> str:
        return f"{self.full_name} <{self.email}>"

    @property
    def full_name(self) -> str:
        return f"{self.first_name} {self.last_name}".strip()


class RegistrantMessage(models.Model):
    """The delivery ledger: one row per e-mail due to a registrant, so none is sent twice.

    ``scheduled_for`` is the moment the message belongs to (a reminder's start minus its offset, a
    follow-up's session); the unique constraint lets only one worker claim it.
    """

    registrant = models.ForeignKey(Registrant, on_delete=models.CASCADE, related_name="messages")
    kind = models.CharField(max_length=20, choices=MessageKind.choices)
    scheduled_for = models.DateTimeField()
    outgoing = models.ForeignKey(
        "notifications.OutgoingEmail", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["registrant", "kind", "scheduled_for"], name="registrant_message_sent_once")
        ]
        ordering = ["created_at", "id"]

    def __str__(self) -> str:
        return f"{self.kind} for {self.registrant_id} at {self.scheduled_for:%Y-%m-%d %H:%M}"
