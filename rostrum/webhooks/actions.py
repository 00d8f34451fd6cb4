"""Webhooks' state changes: managing them, turning domain events into deliveries, delivering, sweeping.

check_* authorise (the acting membership) and validate, then call do_*. Deliveries follow the
e-mail outbox's design (ADR 0007): the row is the truth, a worker claims it with one conditional
UPDATE, failures are retried with backoff for 24 hours, a periodic sweep picks up what is due.
"""

import http.client
import logging
import secrets
from datetime import datetime

from django.db import transaction
from django.db.models import F, Q
from django.utils import timezone
from django.utils.translation import gettext as _

from rostrum.accounts.access import require_permission
from rostrum.core import audit
from rostrum.core.events import EVENT_NAMES, iso
from rostrum.notifications.actions import retry_delay
from rostrum.webhooks import delivery as transport
from rostrum.webhooks.access import PERMISSION
from rostrum.webhooks.addresses import check_url
from rostrum.webhooks.constants import (
    CLAIMABLE_STATUSES,
    LOST_ENQUEUE_AFTER,
    PING,
    RETRY_WINDOW,
    SECRET_PREFIX,
    STUCK_SENDING_AFTER,
    SWEEP_BATCH,
    DeliveryStatus,
)
from rostrum.webhooks.errors import WebhooksError
from rostrum.webhooks.models import Webhook, WebhookDelivery

logger = logging.getLogger(__name__)

INTERRUPTED_ERROR = (
    "Interrupted while sending (the worker stopped): not retried, to avoid sending it twice. "
    "Use “Retry now” if the receiver did not get it."
)
PAUSED_ERROR = "The webhook was paused: not sent."


def new_secret() -> str:
    return SECRET_PREFIX + secrets.token_urlsafe(32)


# Managing webhooks


def _clean_events(events) -> list[str]:
    chosen = [name for name in EVENT_NAMES if name in set(events)]
    if not chosen:
        raise WebhooksError("no_events", _("Choose at least one event."))
    return chosen


def check_create_webhook(membership, *, url: str, events, request=None) -> Webhook:
    """Raises WebhooksError when the URL may not receive webhooks (see ``addresses``) or no event is chosen."""
    require_permission(membership, PERMISSION)
    check_url(url)
    webhook = Webhook.objects.create(
        account=membership.account,
        url=url.strip(),
        events=_clean_events(events),
        secret=new_secret(),
        created_by=membership.user,
    )
    audit.record(
        "webhooks.webhook.created",
        account=webhook.account,
        actor=membership.user,
        target=webhook,
        request=request,
        url=webhook.url,
    )
    return webhook


def check_update_webhook(membership, webhook: Webhook, *, url: str, events, request=None) -> None:
    require_permission(membership, PERMISSION)
    check_url(url)
    webhook.url, webhook.events = url.strip(), _clean_events(events)
    webhook.save(update_fields=["url", "events"])
    audit.record(
        "webhooks.webhook.updated",
        account=webhook.account,
        actor=membership.user,
        target=webhook,
        request=request,
        url=webhook.url,
    )


def check_set_webhook_active(membership, webhook: Webhook, is_active: bool, request=None) -> None:
    """A paused webhook gets no new deliveries; the ones it had fail instead of being sent (see ``do_deliver``)."""
    require_permission(membership, PERMISSION)
    webhook.is_active = is_active
    webhook.save(update_fields=["is_active"])
    code = "webhooks.webhook.resumed" if is_active else "webhooks.webhook.paused"
    audit.record(code, account=webhook.account, actor=membership.user, target=webhook, request=request)


def check_rotate_secret(membership, webhook: Webhook, request=None) -> None:
    """Deliveries from now on (retries included) are signed with the new secret."""
    require_permission(membership, PERMISSION)
    webhook.secret = new_secret()
    webhook.save(update_fields=["secret"])
    audit.record(
        "webhooks.secret.rotated", account=webhook.account, actor=membership.user, target=webhook, request=request
    )


def check_delete_webhook(membership, webhook: Webhook, request=None) -> None:
    """Its delivery log goes with it; a delivery being sent at this moment still arrives."""
    require_permission(membership, PERMISSION)
    audit.record(
        "webhooks.webhook.deleted",
        account=webhook.account,
        actor=membership.user,
        target=webhook,
        request=request,
        url=webhook.url,
    )
    webhook.delete()


# From domain events to deliveries


def enqueue_delivery_on_commit(delivery: WebhookDelivery) -> None:
    from rostrum.webhooks.tasks import deliver_webhook

    transaction.on_commit(lambda: deliver_webhook(delivery.pk))


def do_create_delivery(webhook: Webhook, event: str, payload: dict) -> WebhookDelivery:
    """A delivery row in the current transaction; its first attempt is enqueued on commit."""
    delivery = WebhookDelivery.objects.create(
        webhook=webhook, event=event, payload=payload, next_attempt_at=timezone.now()
    )
    enqueue_delivery_on_commit(delivery)
    return delivery


def on_domain_event(sender, *, account, name: str, payload: dict, **kwargs) -> list[WebhookDelivery]:
    """``core.events.domain_event`` receiver (the event's transaction has committed): one delivery per
    active webhook of the account that subscribes to ``name``."""
    webhooks = [w for w in Webhook.objects.filter(account=account, is_active=True) if name in w.events]
    if not webhooks:
        # Most accounts have none: no transaction (on SQLite an IMMEDIATE one takes the write lock)
        # on the attendance path of every join and leave.
        return []
    with transaction.atomic():
        return [do_create_delivery(webhook, name, payload) for webhook in webhooks]


def check_send_ping(membership, webhook: Webhook) -> WebhookDelivery:
    """A ``ping`` delivery to this webhook alone, even if paused or not subscribed to anything like it."""
    require_permission(membership, PERMISSION)
    payload = {"webhook": {"id": webhook.pk, "url": webhook.url}, "sent_at": iso(timezone.now())}
    return do_create_delivery(webhook, PING, payload)


# Delivering


def do_claim_delivery(delivery_id: int, now: datetime) -> bool:
    """One conditional UPDATE: of two workers claiming one delivery, exactly one gets it."""
    claimed = WebhookDelivery.objects.filter(
        pk=delivery_id, status__in=CLAIMABLE_STATUSES, next_attempt_at__lte=now
    ).update(status=DeliveryStatus.SENDING, claimed_at=now, attempts=F("attempts") + 1)
    return claimed == 1


def _settle(delivery: WebhookDelivery, status: str, error: str, **fields) -> None:
    WebhookDelivery.objects.filter(pk=delivery.pk, status=DeliveryStatus.SENDING).update(
        status=status, last_error=error[:2000], **fields
    )


def do_deliver(delivery_id: int) -> str | None:
    """Claim the delivery and POST it once; returns the new status, or None if it was not claimed."""
    now = timezone.now()
    if not do_claim_delivery(delivery_id, now):
        return None
    delivery = WebhookDelivery.objects.select_related("webhook").get(pk=delivery_id)
    if not delivery.webhook.is_active and delivery.event != PING:
        _settle(delivery, DeliveryStatus.FAILED, PAUSED_ERROR)
        return DeliveryStatus.FAILED
    try:
        response = transport.send(delivery)
    except WebhooksError as error:  # the host resolves to a private address now: refused, and retried
        return _record_failure(delivery, f"Refused: {error.message}", None)
    except (OSError, http.client.HTTPException) as error:  # refused, timed out, TLS, a broken answer
        return _record_failure(delivery, f"{type(error).__name__}: {error}", None)
    if 200 <= response.status < 300:
        # Unconditional: if a sweep marked it interrupted meanwhile, it was delivered after all.
        WebhookDelivery.objects.filter(pk=delivery.pk).update(
            status=DeliveryStatus.DELIVERED,
            delivered_at=timezone.now(),
            last_status_code=response.status,
            last_error="",
        )
        return DeliveryStatus.DELIVERED
    description = f"HTTP {response.status}"
    if 300 <= response.status < 400:
        description += " (redirects are not followed)"
    if response.excerpt:
        description += f": {response.excerpt}"
    return _record_failure(delivery, description, response.status)


def _record_failure(delivery: WebhookDelivery, description: str, status_code: int | None) -> str:
    now = timezone.now()
    if now < delivery.created_at + RETRY_WINDOW:
        logger.info("Webhook delivery %s to be retried: %s", delivery.pk, description)
        next_attempt_at = now + retry_delay(delivery.attempts)
        _settle(
            delivery,
            DeliveryStatus.RETRYING,
            description,
            next_attempt_at=next_attempt_at,
            last_status_code=status_code,
        )
        return DeliveryStatus.RETRYING
    description = f"Gave up after {delivery.attempts} attempts over 24 hours. Last error: {description}"
    logger.warning("Webhook delivery %s failed: %s", delivery.pk, description)
    _settle(delivery, DeliveryStatus.FAILED, description, last_status_code=status_code)
    return DeliveryStatus.FAILED


def do_sweep_deliveries(now: datetime) -> list[int]:
    """Settle deliveries whose worker died mid-send; return the ids due for (another) attempt.

    A delivery still ``sending`` may have reached the receiver; it fails with ``INTERRUPTED_ERROR``
    rather than going twice, and its owner may retry it by hand (ADR 0007).
    """
    WebhookDelivery.objects.filter(status=DeliveryStatus.SENDING, claimed_at__lt=now - STUCK_SENDING_AFTER).update(
        status=DeliveryStatus.FAILED, last_error=INTERRUPTED_ERROR
    )
    due = WebhookDelivery.objects.filter(
        Q(status=DeliveryStatus.RETRYING) | Q(status=DeliveryStatus.PENDING, created_at__lte=now - LOST_ENQUEUE_AFTER),
        next_attempt_at__lte=now,
    )
    return list(due.order_by("next_attempt_at").values_list("pk", flat=True)[:SWEEP_BATCH])


def check_retry_delivery(membership, delivery: WebhookDelivery) -> bool:
    """The owner sends a failed delivery again, now. One past the 24-hour window gets one attempt."""
    require_permission(membership, PERMISSION)
    if delivery.status != DeliveryStatus.FAILED:
        return False
    updated = WebhookDelivery.objects.filter(pk=delivery.pk, status=DeliveryStatus.FAILED).update(
        status=DeliveryStatus.PENDING, next_attempt_at=timezone.now()
    )
    if updated:
        enqueue_delivery_on_commit(delivery)
    return bool(updated)
