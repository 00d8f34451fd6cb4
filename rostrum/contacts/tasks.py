from django.utils import timezone
from huey import crontab
from huey.contrib.djhuey import db_periodic_task, db_task

from rostrum.contacts.importer import do_run_import, do_sweep_stalled_imports


@db_task()
def run_contact_import(import_id: int) -> None:
    do_run_import(import_id)


@db_periodic_task(crontab(minute="*/5"))
def sweep_stalled_imports() -> int:
    """Every five minutes: fail imports whose worker died mid-run (they would show "Importing" for ever)."""
    return len(do_sweep_stalled_imports(timezone.now()))
