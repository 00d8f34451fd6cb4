"""Post-processing leaves through the task queue; attempts and leases are the table's (like webhooks)."""

from huey import crontab
from huey.contrib.djhuey import db_periodic_task, db_task

from rostrum.recordings.actions import do_process_recording, do_sweep_stuck_recordings


@db_task()
def process_recording(recording_id: int) -> str:
    """One attempt at a recording's MP4; a failure schedules the next attempt itself."""
    return do_process_recording(recording_id)


@db_periodic_task(crontab(minute="*/5"))
def sweep_stuck_recordings() -> int:
    """Every 5 minutes: queue again what a worker that died (or a lost enqueue) left in processing."""
    ids = do_sweep_stuck_recordings()
    for recording_id in ids:
        process_recording(recording_id)
    return len(ids)
