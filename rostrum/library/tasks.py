"""Conversions run in the task queue; the sweep catches what a dead worker left behind."""

from django.conf import settings
from django.utils import timezone
from huey import crontab
from huey.contrib.djhuey import db_periodic_task, db_task

from rostrum.library.conversion import do_convert_file, do_sweep_conversions
from rostrum.library.sandbox import remove_abandoned_working_directories


@db_task()
def convert_file(file_id: int) -> str | None:
    """Convert one library file if it is still waiting and no other worker has it."""
    return do_convert_file(file_id)


@db_periodic_task(crontab(minute="*"))
def sweep_conversions() -> int:
    """Every minute: re-queue (or fail) conversions a dead worker left, lost enqueues, and its folders."""
    due = do_sweep_conversions(timezone.now())
    # Older than any conversion may run: nobody is using it.
    remove_abandoned_working_directories(settings.LIBRARY_VIDEO_CONVERSION_SECONDS + 3600)
    for file_id in due:
        convert_file(file_id)
    return len(due)
