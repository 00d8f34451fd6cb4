"""E-mail leaves through the task queue, so a mail server that is down delays it, not the request.

Retries are the outbox table's (``next_attempt_at``), not Huey's: see ADR 0007.
"""

from django.utils import timezone
from huey import crontab
from huey.contrib.djhuey import db_periodic_task, db_task

from rostrum.notifications.actions import do_deliver_email, do_sweep_outbox


@db_task()
def deliver_outgoing(email_id: int) -> str | None:
    """Send one ``OutgoingEmail`` if it is still due and no other worker has it."""
    return do_deliver_email(email_id)


@db_periodic_task(crontab(minute="*"))
def sweep_outbox() -> int:
    """Every minute: enqueue rows due for a retry, or whose enqueue was lost; settle interrupted ones."""
    due = do_sweep_outbox(timezone.now())
    for email_id in due:
        deliver_outgoing(email_id)
    return len(due)
