"""Webhook deliveries leave through the task queue; retries are the table's, not Huey's (ADR 0007)."""

from django.utils import timezone
from huey import crontab
from huey.contrib.djhuey import db_periodic_task, db_task

from rostrum.webhooks.actions import do_deliver, do_sweep_deliveries


@db_task()
def deliver_webhook(delivery_id: int) -> str | None:
    """Send one ``WebhookDelivery`` if it is still due and no other worker has it."""
    return do_deliver(delivery_id)


@db_periodic_task(crontab(minute="*"))
def sweep_webhook_deliveries() -> int:
    """Every minute: enqueue deliveries due for a retry, or whose enqueue was lost; settle interrupted ones."""
    due = do_sweep_deliveries(timezone.now())
    for delivery_id in due:
        deliver_webhook(delivery_id)
    return len(due)
