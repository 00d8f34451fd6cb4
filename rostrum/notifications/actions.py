"""The outbox's state changes: queueing, claiming, recording what the mail server said, sweeping."""

import logging
from collections.abc import Iterable
from datetime import datetime
from email.utils import make_msgid, parseaddr

from django.conf import settings
from django.db import transaction
from django.db.models import F, Q
from django.utils import timezone

from rostrum.notifications.constants import (
    CLAIMABLE_STATUSES,
    LOST_ENQUEUE_AFTER,
    RETRY_DELAYS,
    RETRY_WINDOW,
    STUCK_SENDING_AFTER,
    SWEEP_BATCH,
    EmailCategory,
    EmailStatus,
    SuppressionReason,
)
from rostrum.notifications.delivery import Outcome, build_outgoing_message, classify_error, send_once
from rostrum.notifications.models import OutgoingAttachment, OutgoingEmail
from rostrum.notifications.suppression import do_suppress, is_suppressed

logger = logging.getLogger(__name__)

Attachment = tuple[str, bytes, str]

SUPPRESSED_ERROR = "The address is suppressed (an earlier hard bounce): not sent."
INTERRUPTED_ERROR = (
    "Interrupted while sending (the worker stopped): not retried, to avoid sending it twice. "
    "Send it again from the outbox if it did not arrive."
)


def _message_id(from_email: str) -> str:
    domain = parseaddr(from_email)[1].rpartition("@")[2] or "localhost"
    return make_msgid(domain=domain)


def _clean_headers(headers: dict | None) -> dict[str, str]:
    """Extra headers as strings; a line break in one would be a header injection, so it fails here."""
    cleaned = {str(name): str(value) for name, value in (headers or {}).items()}
    if any("\n" in text or "\r" in text for item in cleaned.items() for text in item):
        raise ValueError("E-mail headers may not contain line breaks.")
    return cleaned


def enqueue_delivery_on_commit(email: OutgoingEmail) -> None:
    from rostrum.notifications.tasks import deliver_outgoing

    transaction.on_commit(lambda: deliver_outgoing(email.pk))


def do_queue_email(
    *,
    to_email: str,
    subject: str,
    body: str,
    language: str,
    html_body: str = "",
    from_email: str = "",
    account=None,
    category: str = EmailCategory.TRANSACTIONAL,
    kind: str = "",
    attachments: Iterable[Attachment] = (),
    headers: dict | None = None,
) -> OutgoingEmail:
    """A rendered message as an outbox row in the current transaction; delivery is enqueued on commit.

    ``to_email`` may carry a display name ("Ann <ann@example.com>"); the row keeps the bare address.
    """
    from_email = from_email or settings.DEFAULT_FROM_EMAIL
    to_email = parseaddr(to_email)[1] or to_email.strip()
    now = timezone.now()
    suppressed = is_suppressed(to_email)
    email = OutgoingEmail.objects.create(
        account=account,
        category=category,
        kind=kind[:100],
        from_email=from_email,
        to_email=to_email,
        language=language,
        subject=subject,
        body=body,
        html_body=html_body,
        headers=_clean_headers(headers),
        message_id=_message_id(from_email),
        status=EmailStatus.SUPPRESSED if suppressed else EmailStatus.QUEUED,
        last_error=SUPPRESSED_ERROR if suppressed else "",
        next_attempt_at=now,
    )
    OutgoingAttachment.objects.bulk_create(
        OutgoingAttachment(message=email, filename=filename, mimetype=mimetype, content=bytes(content))
        for filename, content, mimetype in attachments
    )
    if not suppressed:
        enqueue_delivery_on_commit(email)
    return email


def do_claim_email(email_id: int, now: datetime) -> bool:
    """One conditional UPDATE: of two workers claiming one row, exactly one gets it."""
    claimed = OutgoingEmail.objects.filter(pk=email_id, status__in=CLAIMABLE_STATUSES, next_attempt_at__lte=now).update(
        status=EmailStatus.SENDING, claimed_at=now, attempts=F("attempts") + 1
    )
    return claimed == 1


def do_deliver_email(email_id: int) -> str | None:
    """Claim the row and hand it to the e-mail backend; returns the new status, or None if not claimed."""
    now = timezone.now()
    if not do_claim_email(email_id, now):
        return None
    email = OutgoingEmail.objects.get(pk=email_id)
    if is_suppressed(email.to_email):  # it bounced after this row was queued
        _settle(email, EmailStatus.SUPPRESSED, SUPPRESSED_ERROR)
        return EmailStatus.SUPPRESSED
    try:
        send_once(build_outgoing_message(email))
    except Exception as error:
        return _record_failure(email, error, timezone.now())
    # Unconditional: if a sweep marked it interrupted meanwhile, it was sent after all.
    OutgoingEmail.objects.filter(pk=email.pk).update(status=EmailStatus.SENT, sent_at=timezone.now(), last_error="")
    return EmailStatus.SENT


def _settle(email: OutgoingEmail, status: str, error: str, **fields) -> None:
    OutgoingEmail.objects.filter(pk=email.pk, status=EmailStatus.SENDING).update(
        status=status, last_error=error[:2000], **fields
    )


def retry_delay(attempts: int):
    return RETRY_DELAYS[min(attempts, len(RETRY_DELAYS)) - 1]


def _record_failure(email: OutgoingEmail, error: Exception, now: datetime) -> str:
    outcome, description = classify_error(error)
    if outcome is Outcome.TEMPORARY and now < email.created_at + RETRY_WINDOW:
        logger.info("E-mail %s to be retried: %s", email.pk, description)
        _settle(email, EmailStatus.RETRYING, description, next_attempt_at=now + retry_delay(email.attempts))
        return EmailStatus.RETRYING
    if outcome is Outcome.TEMPORARY:
        description = f"Gave up after {email.attempts} attempts over 24 hours. Last error: {description}"
    if outcome is Outcome.HARD_BOUNCE:
        do_suppress(email.to_email, SuppressionReason.HARD_BOUNCE, description)
    logger.warning("E-mail %s failed: %s", email.pk, description)
    _settle(email, EmailStatus.FAILED, description)
    return EmailStatus.FAILED


def do_sweep_outbox(now: datetime) -> list[int]:
    """Settle rows whose worker died mid-send; return the ids due for (another) attempt.

    A row still ``sending`` may or may not have reached the mail server; sending it again could
    deliver it twice, so it fails with ``INTERRUPTED_ERROR`` and staff may send it again by hand.
    """
    OutgoingEmail.objects.filter(status=EmailStatus.SENDING, claimed_at__lt=now - STUCK_SENDING_AFTER).update(
        status=EmailStatus.FAILED, last_error=INTERRUPTED_ERROR
    )
    due = OutgoingEmail.objects.filter(
        Q(status=EmailStatus.RETRYING) | Q(status=EmailStatus.QUEUED, created_at__lte=now - LOST_ENQUEUE_AFTER),
        next_attempt_at__lte=now,
    )
    return list(due.order_by("next_attempt_at").values_list("pk", flat=True)[:SWEEP_BATCH])


def do_resend_email(email: OutgoingEmail) -> bool:
    """Staff send a failed row again (e.g. after an interruption); suppressed addresses stay suppressed.

    A row older than the retry window gets one attempt: a temporary error fails it again.
    """
    if email.status != EmailStatus.FAILED or is_suppressed(email.to_email):
        return False
    updated = OutgoingEmail.objects.filter(pk=email.pk, status=EmailStatus.FAILED).update(
        status=EmailStatus.QUEUED, next_attempt_at=timezone.now(), last_error=""
    )
    if updated:
        enqueue_delivery_on_commit(email)
    return bool(updated)
