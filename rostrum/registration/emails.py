"""The e-mails a registrant receives, each claimed in the delivery ledger first so none goes twice.

Rendering and queueing go through ``rostrum.notifications.mail.send_on_commit``: the message is an
outbox row in the caller's transaction and leaves once that commits. Follow-ups are marketing:
they carry an unsubscribe link and are not sent to an address that unsubscribed from the account.
"""

from datetime import datetime

from django.conf import settings
from django.db import IntegrityError, transaction
from django.utils import timezone

from rostrum.contacts import unsubscribe
from rostrum.notifications import ics, mail
from rostrum.notifications.constants import EmailCategory
from rostrum.registration.constants import FOLLOW_UPS, MessageKind
from rostrum.registration.models import Registrant, RegistrantMessage
from rostrum.registration.tokens import join_path
from rostrum.rooms.models import Room

TEMPLATES = {
    MessageKind.PENDING: "registration_pending",
    MessageKind.CONFIRMATION: "registration_confirmation",
    MessageKind.REMINDER_DAY: "registration_reminder",
    MessageKind.REMINDER_HOUR: "registration_reminder",
    MessageKind.THANK_YOU: "registration_thank_you",
    MessageKind.MISSED_YOU: "registration_missed_you",
}
WITH_CALENDAR = (MessageKind.CONFIRMATION, MessageKind.REMINDER_DAY)


def recording_url(room: Room) -> str:
    """The link to the session's recording for follow-ups, or "" when there is none.

    Hook for ``rostrum.recordings``: no recordings exist yet, so there is never a link. When they do,
    return the shared recording's page here and the follow-up templates show it.
    """
    return ""


def join_url(registrant: Registrant) -> str:
    return settings.SITE_URL.rstrip("/") + join_path(registrant)


def build_context(registrant: Registrant, kind: str) -> dict:
    room = registrant.room
    context = {
        "registrant": registrant,
        "room": room,
        "account": room.account,
        "join_url": join_url(registrant),
        "starts_at": room.starts_at,
        "timezone": registrant.timezone,
        "is_day_before": kind == MessageKind.REMINDER_DAY,
    }
    if kind in FOLLOW_UPS:
        context["follow_up_text"] = room.registration.follow_up_text
        context["recording_url"] = recording_url(room)
    return context


def _claim(registrant: Registrant, kind: str, scheduled_for: datetime) -> RegistrantMessage | None:
    """The ledger row for this message, or None when someone (another worker) has it already."""
    try:
        with transaction.atomic():
            return RegistrantMessage.objects.create(registrant=registrant, kind=kind, scheduled_for=scheduled_for)
    except IntegrityError:
        return None


def send(registrant: Registrant, kind: str, scheduled_for: datetime) -> bool:
    """Claim, then queue this message in the caller's transaction; False when it was claimed before
    or the registrant unsubscribed from this account's marketing (follow-ups only)."""
    account = registrant.room.account
    options: dict = {"category": EmailCategory.TRANSACTIONAL}
    if kind in FOLLOW_UPS:
        if unsubscribe.is_unsubscribed(account, registrant.email):
            return False
        options = {
            "category": EmailCategory.MARKETING,
            "headers": unsubscribe.unsubscribe_headers(account, registrant.email),
        }
    ledger = _claim(registrant, kind, scheduled_for)
    if ledger is None:
        return False
    context = build_context(registrant, kind)
    if kind in FOLLOW_UPS:
        context["unsubscribe_url"] = unsubscribe.unsubscribe_url(account, registrant.email)
    attachment = ics.room_attachment(registrant.room, join_url(registrant)) if kind in WITH_CALENDAR else None
    ledger.outgoing = mail.send_on_commit(
        TEMPLATES[kind],
        registrant.email,
        context,
        registrant.language,
        account=account,
        kind=f"registration.{kind}",
        attachments=[attachment] if attachment else [],
        **options,
    )
    ledger.save(update_fields=["outgoing"])
    return True


def send_now(registrant: Registrant, kind: str) -> bool:
    """A message that answers something the registrant or an organiser just did."""
    return send(registrant, kind, timezone.now())
