"""Registrants are personal data, found by the person's e-mail address (they need no login)."""

from rostrum.privacy.registry import declare_no_personal_data, register
from rostrum.registration.models import Registrant, RegistrantMessage, RegistrationField, RegistrationSettings


def registrants_of(user):
    return Registrant.objects.filter(email__iexact=user.email).select_related("room")


def export_registrations(user) -> list[dict]:
    return [
        {
            "room": registrant.room.name,
            "first_name": registrant.first_name,
            "last_name": registrant.last_name,
            "email": registrant.email,
            "status": registrant.status,
            "answers": registrant.answers,
            "consent_given_at": registrant.consent_given_at.isoformat() if registrant.consent_given_at else "",
            "language": registrant.language,
            "timezone": registrant.timezone,
            "registered_at": registrant.created_at.isoformat(),
        }
        for registrant in registrants_of(user)
    ]


def erase_registrations(user) -> None:
    """The registration goes entirely (its ledger with it): an organiser keeps no trace of the person."""
    Registrant.objects.filter(email__iexact=user.email).delete()


def export_messages(user) -> list[dict]:
    return [
        {"room": message.registrant.room.name, "kind": message.kind, "sent": message.created_at.isoformat()}
        for message in RegistrantMessage.objects.filter(registrant__email__iexact=user.email).select_related(
            "registrant__room"
        )
    ]


def erase_messages(user) -> None:
    RegistrantMessage.objects.filter(registrant__email__iexact=user.email).delete()


register(
    Registrant,
    fields=("first_name", "last_name", "email", "answers", "consent_given_at", "language", "timezone"),
    exporter=export_registrations,
    eraser=erase_registrations,
    erase_order=10,  # after the ledger, which is found through the registrant
)
# Which e-mails went to a registrant, and when: about them, though no field holds contact data.
register(RegistrantMessage, fields=("registrant",), exporter=export_messages, eraser=erase_messages)
declare_no_personal_data(RegistrationSettings, "a room's registration settings")
declare_no_personal_data(RegistrationField, "the questions a room asks, not the answers")
