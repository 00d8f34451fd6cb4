"""Recording: start and stop in the live room, the timeline, sharing and deleting.

``check_*`` run in the live room's database thread (a ``LiveContext``) or a view and authorise;
``do_*`` assume that. The SFU calls happen around them, in ``rostrum.recordings.live``: first the
policy here says yes and names the folder, then Janus records, then the row is made.
"""

import logging
import secrets
import shutil
from dataclasses import dataclass
from functools import partial
from pathlib import Path

from django.conf import settings
from django.core import signing
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from rostrum.core import events
from rostrum.core.storage import delete_on_commit, stored
from rostrum.library.quota import storage_limit, storage_used
from rostrum.live import audiences
from rostrum.live.errors import LiveError
from rostrum.live.publish import publish_on_commit
from rostrum.media.actions import RoomPlan, require_live, room_plan
from rostrum.recordings.constants import SIGNED_LINK_MAX_AGE, SIGNED_LINK_SALT, RecordingStatus
from rostrum.recordings.models import Recording, RecordingEvent, RecordingSettings
from rostrum.rooms.session_actions import require_moderator

logger = logging.getLogger(__name__)


def spool_root() -> Path:
    """Where Janus writes ``.mjr`` files: a folder the media node writes and the workers read
    (one machine, or a shared volume when the node is elsewhere)."""
    return Path(settings.RECORDINGS_SPOOL_DIR)


def keeps_sources() -> bool:
    return settings.RECORDINGS_KEEP_SOURCES


@dataclass(frozen=True)
class StartPlan:
    room: RoomPlan
    spool_dir: str


def running_recording(session) -> Recording | None:
    return Recording.objects.filter(session=session, status=RecordingStatus.RECORDING).first()


def running_spool_dir(context) -> str:
    recording = running_recording(context.session)
    return recording.spool_dir if recording else ""


def recording_data(recording: Recording | None) -> dict:
    if recording is None:
        return {"active": False, "started_at": None}
    return {"active": True, "started_at": recording.started_at.isoformat()}


def require_storage_left(account) -> None:
    if storage_used(account) >= storage_limit(account):
        raise LiveError(
            "quota_exceeded",
            _("Your plan's storage is full: delete recordings or files before recording again."),
        )


def check_start_recording(context) -> StartPlan:
    require_moderator(context)
    require_live(context)
    if running_recording(context.session) is not None:
        raise LiveError("already_recording", _("The session is being recorded already."))
    require_storage_left(context.session.room.account)
    folder = spool_root() / f"session-{context.session.pk}-{secrets.token_hex(6)}"
    return StartPlan(room=room_plan(context.session), spool_dir=str(folder))


def check_start_automatic_recording(context) -> StartPlan | None:
    """Right after the session started: a plan when the room records automatically, else None."""
    if not RecordingSettings.objects.filter(room_id=context.session.room_id, records_automatically=True).exists():
        return None
    try:
        return check_start_recording(context)
    except LiveError as error:
        logger.warning("automatic recording of session %s not started: %s", context.session.pk, error.code)
        return None


def do_start_recording(context, spool_dir: str) -> dict:
    """Janus records into ``spool_dir``: keep the row and show everyone the indicator."""
    session = context.session
    if running_recording(session) is not None:  # two organisers pressed at once: one recording
        raise LiveError("already_recording", _("The session is being recorded already."))
    recording = Recording.objects.create(
        account=session.room.account,
        room=session.room,
        session=session,
        started_by=context.participant,
        spool_dir=spool_dir,
    )
    do_note_shown_content(session)
    data = recording_data(recording)
    publish_on_commit(session, "recording.started", data, audiences.everyone())
    return {"recording_id": recording.pk, **data}


def do_note_shown_content(session) -> None:
    """What the room shows already when recording starts (a slide, the board, a shared video) as
    the timeline's first entries: the other apps note only changes. Each app is optional."""
    from django.apps import apps

    if apps.is_installed("rostrum.engagement"):
        from rostrum.engagement.actions.presentations import on_slide_changed, open_presentation

        presentation = open_presentation(session)
        if presentation is not None:
            on_slide_changed(session, presentation, presentation.page)
    if apps.is_installed("rostrum.whiteboard"):
        from rostrum.whiteboard.models import Whiteboard

        for board in Whiteboard.objects.filter(session=session, is_shown=True):
            do_add_timeline_entry(session, "whiteboard.shown", {"board_id": board.pk})
    if apps.is_installed("rostrum.videoshare"):
        from rostrum.videoshare.actions import open_video

        video = open_video(session)
        if video is not None:
            do_add_timeline_entry(session, "video.shown", shown_video_data(video, timezone.now()))


def shown_video_data(video, now) -> dict:
    """``video.shown`` as of ``now``: a playing video has moved on since its last change."""
    position = video.position
    if video.playing:
        position += max((now - video.position_at).total_seconds(), 0) * video.rate
    path = video.file.converted.name if video.file_id else ""
    return {"video_id": video.pk, "source": video.source, "path": path, "position": position, "playing": video.playing}


def check_stop_recording(context) -> RoomPlan:
    require_moderator(context)
    if running_recording(context.session) is None:
        raise LiveError("not_recording", _("The session is not being recorded."))
    return room_plan(context.session)


def do_stop_recording(session) -> Recording | None:
    """Stop the running recording (Janus stopped writing, or the room is gone) and queue its processing."""
    recording = Recording.objects.select_for_update().filter(session=session, status=RecordingStatus.RECORDING).first()
    if recording is None:
        return None
    recording.status = RecordingStatus.PROCESSING
    recording.stopped_at = timezone.now()
    recording.save(update_fields=["status", "stopped_at"])
    publish_on_commit(session, "recording.stopped", recording_data(None), audiences.everyone())
    enqueue_processing(recording.pk)
    return recording


def do_stop_recording_in_context(context) -> dict:
    do_stop_recording(context.session)
    return recording_data(None)


def enqueue_processing(recording_id: int) -> None:
    from rostrum.recordings.tasks import process_recording

    transaction.on_commit(lambda: process_recording(recording_id))


def do_add_timeline_entry(session, kind: str, data: dict) -> int:
    """Note on the running recording's timeline what the room shows now (a slide, a whiteboard, a
    shared video; ``rostrum.recordings.timeline`` lists the kinds): the composition shows it from
    this moment. For the slides, whiteboard and video code; 0 rows when the session is not being
    recorded."""
    recording = running_recording(session)
    if recording is None:
        return 0
    RecordingEvent.objects.create(recording=recording, at=timezone.now(), kind=kind, data=data)
    return 1


def do_set_records_automatically(room, enabled: bool) -> None:
    RecordingSettings.objects.update_or_create(room=room, defaults={"records_automatically": enabled})


# Sharing -------------------------------------------------------------------------------------


def do_set_public(recording: Recording, is_public: bool) -> None:
    """A public link (``/recordings/s/<token>/``) on or off. Turning it on again makes a new token:
    a link once shared and withdrawn stays dead."""
    recording.is_public = is_public
    if is_public:
        recording.share_token = secrets.token_urlsafe(24)
    recording.save(update_fields=["is_public", "share_token"])


def build_signed_token(recording: Recording) -> str:
    """A link that works for ``SIGNED_LINK_MAX_AGE`` seconds, whether or not the public link is on."""
    return signing.dumps({"recording": recording.pk}, salt=SIGNED_LINK_SALT, compress=True)


def recording_from_signed_token(token: str, max_age: int = SIGNED_LINK_MAX_AGE) -> Recording | None:
    try:
        value = signing.loads(token, salt=SIGNED_LINK_SALT, max_age=max_age)
    except signing.BadSignature:  # SignatureExpired included
        return None
    return Recording.objects.filter(pk=value.get("recording"), status=RecordingStatus.READY).first()


def recording_from_public_token(token: str) -> Recording | None:
    if not token:
        return None
    return Recording.objects.filter(share_token=token, is_public=True, status=RecordingStatus.READY).first()


def do_delete_recording(recording: Recording) -> None:
    """Remove the row now and its bytes after commit: the quota is freed with the row."""
    delete_on_commit(stored(recording.file))
    remove_spool_on_commit(recording.spool_dir)
    recording.delete()


def remove_spool_on_commit(spool: str) -> None:
    """The recording's folder of sources on the media node's disk (not in storage) goes after commit."""
    if spool:
        transaction.on_commit(partial(shutil.rmtree, spool, ignore_errors=True))


def emit_ready(recording: Recording) -> None:
    data = {
        "recording": {
            "id": recording.pk,
            "duration_seconds": round(recording.duration_seconds, 3),
            "size_bytes": recording.size_bytes,
        }
    }
    if recording.session is not None:
        data.update(events.session_data(recording.session))
    events.emit(recording.account, events.RECORDING_READY, data)


# Post-processing -----------------------------------------------------------------------------

RETRY_DELAYS = (30, 300)  # seconds before the 2nd and 3rd attempts
SETTLE_SECONDS = 2.0  # Janus may still be closing files right after the room ended


def do_claim_processing(recording_id: int, now=None) -> Recording | None:
    """Take the recording for one attempt (a lease: ``processing_started_at``); None when it is not
    waiting for processing or another worker holds a fresh lease."""
    from datetime import timedelta

    from rostrum.recordings.constants import MAX_ATTEMPTS, STUCK_AFTER_MINUTES

    now = now or timezone.now()
    with transaction.atomic():
        recording = (
            Recording.objects.select_for_update().filter(pk=recording_id, status=RecordingStatus.PROCESSING).first()
        )
        if recording is None:
            return None
        lease = recording.processing_started_at
        if lease is not None and lease > now - timedelta(minutes=STUCK_AFTER_MINUTES):
            return None
        if recording.attempts >= MAX_ATTEMPTS:  # the last attempt died with its worker
            recording.status = RecordingStatus.FAILED
            recording.error = recording.error or _("Processing stopped %(count)d times.") % {"count": MAX_ATTEMPTS}
            recording.save(update_fields=["status", "error"])
            return None
        recording.attempts += 1
        recording.processing_started_at = now
        recording.save(update_fields=["attempts", "processing_started_at"])
        return recording


def do_process_recording(recording_id: int) -> str:
    """One attempt at making the recording's MP4. Returns what happened (for logs and tests)."""
    import time

    from rostrum.recordings import processing
    from rostrum.recordings.constants import MAX_ATTEMPTS
    from rostrum.recordings.timeline import timeline_content

    recording = do_claim_processing(recording_id)
    if recording is None:
        return "skipped"
    spool = Path(recording.spool_dir)
    work_dir = spool / "work"
    try:
        work_dir.mkdir(parents=True, exist_ok=True)
        sources = sorted(spool.glob("*.mjr"))
        newest = max((p.stat().st_mtime for p in sources), default=0)
        if newest and time.time() - newest < SETTLE_SECONDS:
            time.sleep(SETTLE_SECONDS)
        tracks = [t for t in (processing.read_track(p) for p in sources) if t is not None]
        if not tracks:
            raise processing.ProcessingError("Janus wrote no media for this recording")
        for track in tracks:
            processing.extract(track, work_dir)
        tracks = [t for t in tracks if t.duration_seconds > 0]
        if not tracks:
            raise processing.ProcessingError("the recorded files hold no playable media")
        save_tracks(recording, tracks)
        origin = min(t.first_timestamp_us for t in tracks)
        overlays = timeline_content(recording, origin, work_dir)
        partial = work_dir / "composed.partial.mp4"
        partial.unlink(missing_ok=True)
        processing.compose(tracks, partial, overlays)
        duration = processing.media_duration(partial)
    except Exception as error:
        message = str(error)[:1000] or type(error).__name__
        logger.warning("recording %s: attempt %s failed: %s", recording_id, recording.attempts, message)
        with transaction.atomic():
            current = Recording.objects.select_for_update().filter(pk=recording_id).first()
            if current is None or current.status != RecordingStatus.PROCESSING:
                return "gone"
            current.error = message
            current.processing_started_at = None
            if current.attempts >= MAX_ATTEMPTS:
                current.status = RecordingStatus.FAILED
            current.save(update_fields=["error", "processing_started_at", "status"])
        if current.status == RecordingStatus.FAILED:
            return "failed"
        from rostrum.recordings.tasks import process_recording

        delay = RETRY_DELAYS[min(current.attempts - 1, len(RETRY_DELAYS) - 1)]
        process_recording.schedule((recording_id,), delay=delay)
        return "retry"
    return finish_processing(recording_id, partial, duration)


def save_tracks(recording: Recording, tracks) -> None:
    from rostrum.recordings.models import RecordingTrack

    for track in tracks:
        RecordingTrack.objects.update_or_create(
            recording=recording,
            source=track.source,
            defaults={
                "feed_id": track.feed_id,
                "kind": track.kind,
                "codec": track.codec,
                "output": track.output,
                "first_timestamp_us": track.first_timestamp_us,
                "duration_seconds": track.duration_seconds,
            },
        )


def finish_processing(recording_id: int, partial: Path, duration: float) -> str:
    """Move the finished MP4 into storage and mark the recording ready, in one transaction: a
    failure here leaves it processing (retried), never ready without its whole file."""
    from django.core.files import File

    saved_name = ""
    try:
        with transaction.atomic():
            recording = Recording.objects.select_for_update().filter(pk=recording_id).first()
            if recording is None or recording.status != RecordingStatus.PROCESSING:
                return "gone"
            with partial.open("rb") as stream:
                recording.file.save("recording.mp4", File(stream), save=False)
            saved_name = recording.file.name
            recording.size_bytes = recording.file.size
            recording.duration_seconds = duration
            recording.status = RecordingStatus.READY
            recording.error = ""
            recording.processing_started_at = None
            recording.save(
                update_fields=["file", "size_bytes", "duration_seconds", "status", "error", "processing_started_at"]
            )
            emit_ready(recording)
            spool = recording.spool_dir
            transaction.on_commit(lambda: remove_sources(spool))
    except Exception:
        if saved_name:
            from rostrum.core.storage import private_storage

            private_storage().delete(saved_name)
        raise
    return "ready"


def remove_sources(spool: str) -> None:
    if keeps_sources():
        shutil.rmtree(Path(spool) / "work", ignore_errors=True)
    else:
        shutil.rmtree(spool, ignore_errors=True)


def do_sweep_stuck_recordings(now=None) -> list[int]:
    """Recordings a dead worker left in processing (lease older than ``STUCK_AFTER_MINUTES``, or
    never taken): their lease is dropped and they are returned to be queued again."""
    from datetime import timedelta

    from django.db.models import Q

    from rostrum.recordings.constants import STUCK_AFTER_MINUTES

    now = now or timezone.now()
    stale = now - timedelta(minutes=STUCK_AFTER_MINUTES)
    stuck = Recording.objects.filter(status=RecordingStatus.PROCESSING).filter(
        Q(processing_started_at__lt=stale) | Q(processing_started_at=None, stopped_at__lt=stale)
    )
    ids = list(stuck.values_list("pk", flat=True))
    Recording.objects.filter(pk__in=ids).update(processing_started_at=None)
    # Sessions that ended without the live room's end frame (no organiser's socket saw it): the
    # SFU room is gone with them, so their recordings are stopped here and queued (on commit).
    orphans = Recording.objects.filter(status=RecordingStatus.RECORDING, session__ended_at__isnull=False)
    for recording in orphans.select_related("session"):
        with transaction.atomic():
            do_stop_recording(recording.session)
    return ids
