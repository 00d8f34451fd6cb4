"""The periodic sweep that sends reminders and follow-ups (see ``schedule``)."""

from django.utils import timezone
from huey import crontab
from huey.contrib.djhuey import db_periodic_task

from rostrum.registration.schedule import sweep


@db_periodic_task(crontab(minute="*"))
def send_due_registration_messages() -> int:
    """Every minute. No task lock: one left behind by a killed worker would stop every reminder,
    and the ledger's unique constraint already keeps two overlapping sweeps from sending twice."""
    return sweep(timezone.now())
