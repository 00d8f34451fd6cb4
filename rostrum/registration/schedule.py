"""What is due now: reminders before a room starts, follow-ups after its session ended.

Computed from the database on every run rather than scheduled as one task per message: a restart
loses nothing, a room moved to another time is followed at once, a deleted room or registrant takes
its pending messages with it, and the ledger's unique constraint keeps two workers from sending the
same message. ``sweep(now)`` is a plain function so tests move the clock.
"""

import logging
from datetime import datetime

from django.db import transaction
from django.db.models import Exists, Max, OuterRef, Q

from rostrum.registration import emails
from rostrum.registration.constants import (
    FOLLOW_UP_DELAY,
    FOLLOW_UP_STALE_AFTER,
    FOLLOW_UPS,
    REMINDER_STALE_AFTER,
    REMINDERS,
    MessageKind,
    RegistrantStatus,
)
from rostrum.registration.models import RegistrantMessage
from rostrum.rooms.models import Participant, Room

logger = logging.getLogger(__name__)


def sweep(now: datetime) -> int:
    """Send every reminder and follow-up due at ``now``; returns how many were queued."""
    return send_reminders(now) + send_follow_ups(now)


def _unsent(registrants, kinds, scheduled_for: datetime):
    sent = RegistrantMessage.objects.filter(registrant=OuterRef("pk"), kind__in=kinds, scheduled_for=scheduled_for)
    return registrants.filter(~Exists(sent))


def send_reminders(now: datetime) -> int:
    count = 0
    for kind, (before, flag) in REMINDERS.items():
        # Due when start - before <= now, and not stale: now < start - before + REMINDER_STALE_AFTER.
        rooms = Room.objects.filter(
            Q(registration__enabled=True, **{f"registration__{flag}": True}),
            starts_at__gt=max(now, now + before - REMINDER_STALE_AFTER),
            starts_at__lte=now + before,
        )
        for room in rooms.select_related("account", "registration"):
            moment = room.starts_at - before
            registrants = room.registrants.filter(status=RegistrantStatus.APPROVED, created_at__lte=moment)
            count += _send_each(_unsent(registrants, [kind], moment), lambda _registrant, kind=kind: kind, moment)
    return count


def _send_each(registrants, kind_of, scheduled_for: datetime) -> int:
    """One transaction per message, each leaving on its commit. One that fails (a broken template, a
    database hiccup) is logged and left unclaimed for the next sweep; it does not hold up the others."""
    count = 0
    for registrant in registrants.select_related("room__account", "room__registration"):
        try:
            with transaction.atomic():
                count += emails.send(registrant, kind_of(registrant), scheduled_for)
        except Exception:
            logger.exception("Registration e-mail to registrant %s not queued; retried next sweep", registrant.pk)
    return count


def send_follow_ups(now: datetime) -> int:
    count = 0
    live = Room.objects.filter(pk=OuterRef("pk"), sessions__started_at__isnull=False, sessions__ended_at=None)
    rooms = (
        Room.objects.filter(registration__enabled=True, registration__follow_up_enabled=True)
        .annotate(last_ended_at=Max("sessions__ended_at", filter=Q(sessions__started_at__isnull=False)))
        .filter(last_ended_at__lte=now - FOLLOW_UP_DELAY, last_ended_at__gt=now - FOLLOW_UP_STALE_AFTER)
        .filter(~Exists(live))
    )
    for room in rooms.select_related("account", "registration"):
        # One follow-up per registrant per scheduled start (per last session in a permanent room),
        # however often the host reopened the room.
        if room.starts_at is not None and room.last_ended_at < room.starts_at:
            continue  # a rehearsal before the scheduled start: the real session is still to come
        moment = room.starts_at or room.last_ended_at
        attendees = Participant.objects.filter(session__room=room, email__iexact=OuterRef("email"))
        registrants = room.registrants.filter(status=RegistrantStatus.APPROVED, created_at__lte=room.last_ended_at)
        registrants = _unsent(registrants, FOLLOW_UPS, moment).annotate(attended=Exists(attendees))
        count += _send_each(
            registrants, lambda r: MessageKind.THANK_YOU if r.attended else MessageKind.MISSED_YOU, moment
        )
    return count
