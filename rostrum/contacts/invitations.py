"""Inviting people to a room by e-mail: recipients, the organiser's text, one outbox row each."""

import re
from dataclasses import dataclass, field
from email.utils import parseaddr

from django.apps import apps
from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.formats import date_format
from django.utils.translation import gettext as _

from rostrum.accounts.access import require_permission
from rostrum.contacts.actions import normalize_email
from rostrum.contacts.constants import INVITATIONS_PER_SEND
from rostrum.contacts.errors import ContactsError
from rostrum.contacts.models import Contact, Invitation
from rostrum.contacts.unsubscribe import unsubscribe_headers, unsubscribe_url, unsubscribed_among
from rostrum.core import audit
from rostrum.notifications import ics, mail
from rostrum.notifications.constants import EmailCategory

PLACEHOLDER = re.compile(r"\{(\w+)\}")
ADDRESS_SEPARATORS = re.compile(r"[,;\n\r]+")


@dataclass
class InvitationOutcome:
    sent: list[Invitation] = field(default_factory=list)
    skipped: list[Invitation] = field(default_factory=list)


def default_subject() -> str:
    return _("Invitation: {room_name}")


def default_body() -> str:
    return _(
        "Hello,\n\nyou are invited to {room_name} on {starts_at}.\n\nJoin here: {join_link}\n"
        "Room number: {room_number}\n\nAgenda:\n{agenda}\n\nSee you there!"
    )


def fill_placeholders(text: str, values: dict[str, str]) -> str:
    """Replace known ``{name}`` placeholders; anything else in braces stays as typed (no str.format)."""
    return PLACEHOLDER.sub(lambda found: values.get(found.group(1), found.group(0)), text)


def parse_addresses(text: str) -> tuple[list[str], list[str]]:
    """(valid addresses, lower-cased and de-duplicated; what could not be read as an address)."""
    good, bad = [], []
    for piece in (piece.strip() for piece in ADDRESS_SEPARATORS.split(text or "")):
        if not piece:
            continue
        address = normalize_email(parseaddr(piece)[1] or piece)
        try:
            validate_email(address)
        except ValidationError:
            bad.append(piece)
        else:
            if address not in good:
                good.append(address)
    return good, bad


def join_link(room) -> str:
    """The registration page when the room requires registration, else the room's own page."""
    path = reverse("room_enter", args=[room.account.slug, room.slug])
    if apps.is_installed("rostrum.registration"):
        from rostrum.registration.access import is_registration_required

        if is_registration_required(room):
            path = reverse("registration_register", args=[room.account.slug, room.slug])
    return settings.SITE_URL.rstrip("/") + path


def _starts_at(room) -> str:
    if room.starts_at is None:
        return _("any time (permanent room)") if room.is_permanent else ""
    with timezone.override(room.timezone):
        return f"{date_format(timezone.localtime(room.starts_at), 'DATETIME_FORMAT')} ({room.timezone})"


def placeholder_values(room, link: str) -> dict[str, str]:
    """In the active language (dates are written the recipient's way)."""
    return {
        "room_name": room.name,
        "starts_at": _starts_at(room),
        "room_number": room.display_number,
        "join_link": link,
        "agenda": room.description,
    }


def collect_recipients(account, contacts, lists, addresses: list[str]) -> dict[str, Contact | None]:
    """E-mail → contact (or None for a pasted address that is no contact), each address once."""
    recipients: dict[str, Contact | None] = {}
    chosen = Q(pk__in=[contact.pk for contact in contacts]) | Q(lists__in=list(lists))
    for contact in Contact.objects.filter(chosen, account=account).distinct():
        recipients[contact.email] = contact
    known = {c.email: c for c in Contact.objects.filter(account=account, email__in=addresses)}
    for address in addresses:
        recipients.setdefault(address, known.get(address))
    return recipients


def check_send_invitations(
    membership, room, *, recipients: dict, subject: str, body: str, language: str, link: str | None = None, request=None
):
    """Queue one invitation per recipient (after commit); unsubscribed addresses are recorded as skipped.

    ``link`` is the join link the invitation carries: the room's (``join_link``) unless given, e.g. a
    presenter link (the API's presenter invitations)."""
    require_permission(membership, "manage_rooms")
    if not recipients:
        raise ContactsError("no_recipients", _("Choose at least one contact, list or address."))
    if len(recipients) > INVITATIONS_PER_SEND:
        raise ContactsError(
            "too_many",
            _("One sending reaches at most %(limit)d addresses; you chose %(count)d.")
            % {"limit": INVITATIONS_PER_SEND, "count": len(recipients)},
        )
    account = room.account
    unsubscribed = unsubscribed_among(account, recipients)
    link, outcome = link or join_link(room), InvitationOutcome()
    attachment = ics.room_attachment(room, link, "invitation.ics")
    for email, contact in recipients.items():
        invitation = Invitation(room=room, email=email, contact=contact, sent_by=membership.user)
        if email in unsubscribed:
            invitation.is_skipped = True
            outcome.skipped.append(invitation)
            continue
        recipient_language = (contact and contact.language) or language
        invitation.outgoing = _send(room, email, recipient_language, subject, body, link, attachment)
        outcome.sent.append(invitation)
    Invitation.objects.bulk_create(outcome.sent + outcome.skipped)
    audit.record(
        "contacts.invitations.sent",
        account=account,
        actor=membership.user,
        target=room,
        request=request,
        sent=len(outcome.sent),
        skipped=len(outcome.skipped),
    )
    return outcome


def _send(room, email: str, language: str, subject: str, body: str, link: str, attachment):

    account = room.account
    with translation.override(language):
        values = placeholder_values(room, link)
    context = {
        "subject": fill_placeholders(subject, values),
        "body": fill_placeholders(body, values),
        "room": room,
        "account_name": account.name,
        "logo_url": settings.SITE_URL.rstrip("/") + account.image.url if account.image else "",
        "unsubscribe_url": unsubscribe_url(account, email),
    }
    return mail.send_on_commit(
        "contacts_invitation",
        email,
        context,
        language,
        account=account,
        category=EmailCategory.MARKETING,
        kind="contacts.invitation",
        attachments=[attachment] if attachment else [],
        headers=unsubscribe_headers(account, email),
    )
