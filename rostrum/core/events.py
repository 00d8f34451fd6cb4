"""Domain events: things that happened in an account, told to whoever listens once they are committed.

Domain code calls ``emit(account, REGISTRATION_CREATED, registrant_data(registrant))`` where the
thing happens, inside its transaction; listeners (outgoing webhooks today) get the ``domain_event``
signal only after that transaction commits, and never when it rolls back. This is the one Django
signal used for domain flow, on purpose: it keeps the import direction (domain modules never import
``webhooks`` or ``api``; those subscribe here). A listener that raises is logged and does not break
the action that emitted.

Payloads are plain JSON-able dicts, built here by the ``*_data`` helpers so every producer of one
event sends the same shape (docs/webhooks.md lists them). Times are ISO 8601 in UTC.
"""

import logging
from datetime import UTC, datetime

import django.dispatch
from django.db import transaction

logger = logging.getLogger(__name__)

REGISTRATION_CREATED = "registration.created"
SESSION_STARTED = "session.started"
SESSION_ENDED = "session.ended"
ATTENDEE_JOINED = "attendee.joined"
ATTENDEE_LEFT = "attendee.left"
# No producer yet: they start firing when recordings (rostrum.recordings) and file conversions
# (rostrum.library) exist. Webhooks may already subscribe to them.
RECORDING_READY = "recording.ready"
FILE_CONVERTED = "file.converted"

EVENT_NAMES = (
    REGISTRATION_CREATED,
    SESSION_STARTED,
    SESSION_ENDED,
    ATTENDEE_JOINED,
    ATTENDEE_LEFT,
    RECORDING_READY,
    FILE_CONVERTED,
)

# Receivers get ``account``, ``name`` and ``payload`` as keyword arguments; the sender is the
# account's class.
domain_event = django.dispatch.Signal()


def emit(account, name: str, payload: dict) -> None:
    """Tell listeners that ``name`` happened in ``account``, once the current transaction commits.

    Outside a transaction (autocommit) that is at once. ``payload`` is taken as it is now.
    """
    if name not in EVENT_NAMES:
        raise ValueError(f"Unknown domain event {name!r}")

    def dispatch() -> None:
        for receiver, result in domain_event.send_robust(
            sender=type(account), account=account, name=name, payload=payload
        ):
            if isinstance(result, Exception):
                logger.error("Listener %r failed on %s", receiver, name, exc_info=result)

    transaction.on_commit(dispatch)


def iso(moment: datetime | None) -> str | None:
    return moment.astimezone(UTC).isoformat().replace("+00:00", "Z") if moment else None


def room_data(room) -> dict:
    return {"id": room.pk, "number": room.number, "name": room.name}


def session_data(session) -> dict:
    return {
        "room": room_data(session.room),
        "session": {
            "id": session.pk,
            "started_at": iso(session.started_at),
            "ended_at": iso(session.ended_at),
        },
    }


def registrant_data(registrant) -> dict:
    return {
        "room": room_data(registrant.room),
        "registrant": {
            "id": registrant.pk,
            "email": registrant.email,
            "first_name": registrant.first_name,
            "last_name": registrant.last_name,
            "status": registrant.status,
            "language": registrant.language,
            "created_at": iso(registrant.created_at),
        },
    }


def attendance_data(attendance) -> dict:
    """One connection of a participant (a reconnect is a new attendance: left, then joined again)."""
    participant = attendance.participant
    return {
        **session_data(participant.session),
        "participant": {
            "id": participant.pk,
            "name": participant.display_name,
            "email": participant.email,
            "role": participant.role,
        },
        "attendance": {
            "id": attendance.pk,
            "joined_at": iso(attendance.joined_at),
            "left_at": iso(attendance.left_at),
        },
    }


def library_file_data(library_file) -> dict:
    """A file of the account's library whose conversion finished (``file.converted``)."""
    return {
        "file": {
            "id": library_file.pk,
            "name": library_file.name,
            "document_type": library_file.document_type,
            "status": library_file.status,
            "page_count": library_file.page_count,
            "room": room_data(library_file.room) if library_file.room_id else None,
        }
    }
