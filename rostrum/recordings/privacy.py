"""Recordings are the account's content (like its library): they hold the faces and voices of the
session's speakers, kept by the account that recorded them. What points at a person here is who
started the recording.

Export lists the recordings a person started (metadata, not the bytes). Erasing a person forgets
them as the starter; the recordings of an account they own go with the account, their MP4s after
commit (``recording_files_of_accounts``) and their folders of sources with them (here).
"""

from rostrum.accounts.constants import Role
from rostrum.privacy.registry import declare_no_personal_data, register
from rostrum.recordings.actions import remove_spool_on_commit
from rostrum.recordings.models import Recording, RecordingEvent, RecordingSettings, RecordingTrack


def export_recordings(user) -> list[dict]:
    started = Recording.objects.filter(started_by__user=user).select_related("account", "room")
    return [
        {
            "account": r.account.name,
            "room": r.room.name if r.room else "",
            "started": r.started_at.isoformat(),
            "duration_seconds": r.duration_seconds,
            "status": r.status,
        }
        for r in started
    ]


def erase_recordings(user) -> None:
    owned = Recording.objects.filter(account__memberships__user=user, account__memberships__role=Role.OWNER)
    for spool in owned.values_list("spool_dir", flat=True):
        remove_spool_on_commit(spool)  # the cascade deletes the rows; their sources are on disk
    Recording.objects.filter(started_by__user=user).update(started_by=None)


register(
    Recording,
    fields=("started_by", "file"),
    exporter=export_recordings,
    eraser=erase_recordings,
    erase_order=-1,  # before the account eraser, while the owned recordings can still be found
)
declare_no_personal_data(RecordingTrack, "which stream of a recording is in which file; goes with the recording")
declare_no_personal_data(RecordingEvent, "what the room showed when (slides); goes with the recording")
declare_no_personal_data(RecordingSettings, "whether a room records automatically")
