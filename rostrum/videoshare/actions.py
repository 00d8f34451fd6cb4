"""Video sharing: an organiser plays a library video or a YouTube video to everyone, in sync.

One shared video is open per session at a time; opening another closes the one shown. Opening a
video leaves an open presentation open: the room shows the video above it, and the slides are
there again when the video closes. Whoever has control (the opener, until an organiser hands it
on) plays, pauses and seeks; each change stores ``playing`` and ``position`` as of ``position_at``
(the server's clock), and the browsers compute the position from there.

Every change is noted on a running recording's timeline in the same transaction:
``video.shown {video_id, source, path, position, playing}`` and ``video.hidden {video_id}``.
"""

from datetime import datetime

from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from rostrum.library.constants import FileKind, FileStatus
from rostrum.library.models import LibraryFile
from rostrum.live import audiences
from rostrum.live.errors import LiveError
from rostrum.live.publish import publish_on_commit
from rostrum.rooms.models import Participant
from rostrum.rooms.session_actions import access_organiser_in_session, lock_running_session, require_moderator
from rostrum.videoshare.constants import MAX_UNKNOWN_POSITION, TITLE_MAX_LENGTH, VideoSource
from rostrum.videoshare.models import SharedVideo
from rostrum.videoshare.mp4 import library_video_duration
from rostrum.videoshare.youtube import parse_youtube_id

FILES_LISTED = 200


def epoch_ms(moment: datetime) -> int:
    return int(moment.timestamp() * 1000)


def participant_ref(participant: Participant | None) -> dict | None:
    if participant is None:
        return None
    return {"id": participant.pk, "name": participant.display_name}


def state_data(video: SharedVideo, now: datetime) -> dict:
    """The play state; ``now`` is the server's clock, so a browser can tell its own clock's offset."""
    return {
        "id": video.pk,
        "playing": video.playing,
        "position": video.position,
        "position_at": epoch_ms(video.position_at),
        "rate": video.rate,
        "now": epoch_ms(now),
    }


def video_data(video: SharedVideo, now: datetime) -> dict:
    """The open video as everyone admitted sees it."""
    return {
        **state_data(video, now),
        "source": video.source,
        "title": video.title,
        "youtube_id": video.youtube_id or None,
        # An access-checked view with Range support, so the <video> can seek.
        "file_url": reverse("shared_video_file", args=[video.pk]) if video.source == VideoSource.LIBRARY else None,
        "duration": video.duration,
        "controller": participant_ref(video.controller),
    }


def open_video(session) -> SharedVideo | None:
    return (
        SharedVideo.objects.select_related("file", "controller")
        .filter(session=session, closed_at=None)
        .order_by("-id")
        .first()
    )


def note_on_timeline(session, video: SharedVideo, *, hidden: bool = False) -> None:
    """What the recording shows from now on, inside the action's transaction."""
    from rostrum.recordings.actions import do_add_timeline_entry

    if hidden:
        do_add_timeline_entry(session, "video.hidden", {"video_id": video.pk})
        return
    data = {
        "video_id": video.pk,
        "source": video.source,
        "path": video.file.converted.name if video.file_id else "",
        "position": video.position,
        "playing": video.playing,
    }
    do_add_timeline_entry(session, "video.shown", data)


def shareable_videos(account):
    return LibraryFile.objects.filter(account=account, kind=FileKind.VIDEO, status=FileStatus.CONVERTED).exclude(
        converted=""
    )


# -- checks ------------------------------------------------------------------------------------


def _require_open(session) -> SharedVideo:
    video = open_video(session)
    if video is None:
        raise LiveError("not_found", _("No video is being shared."))
    return video


def _require_controller(context, video: SharedVideo) -> None:
    me = context.participant
    if not me.is_organiser or video.controller_id != me.pk:
        raise LiveError("not_allowed", _("Only the presenter who has control of the video can do this."))


def check_position(video: SharedVideo, position: float) -> float:
    limit = video.duration if video.duration is not None else MAX_UNKNOWN_POSITION
    if not 0 <= position <= limit:
        raise LiveError("invalid", _("The position must be from 0 to %(seconds).1f seconds.") % {"seconds": limit})
    return round(float(position), 3)


# -- actions -----------------------------------------------------------------------------------


def list_shareable_videos(context) -> list[dict]:
    """For the organisers' "Share a video": the account's converted videos, with their durations."""
    require_moderator(context)
    files = shareable_videos(context.session.room.account).order_by("-created_at", "-id")[:FILES_LISTED]
    return [{"id": f.pk, "name": f.name, "duration": library_video_duration(f)} for f in files]


def _library_video(session, file_id: int) -> tuple[LibraryFile, float | None]:
    library_file = LibraryFile.objects.filter(account_id=session.room.account_id, pk=file_id).first()
    if library_file is None:
        raise LiveError("not_found", _("There is no such file in the library."))
    if library_file.kind != FileKind.VIDEO:
        raise LiveError("not_a_video", _("This file is not a video."))
    if not library_file.is_usable or not library_file.converted:
        raise LiveError("not_converted", _("This video is not ready to be shown: its conversion has not finished."))
    return library_file, library_video_duration(library_file)


def check_open_video(context, *, file_id: int | None = None, youtube_url: str | None = None) -> SharedVideo:
    """Share a converted library video of the room's account, or a YouTube video, paused at 0."""
    require_moderator(context)
    if (file_id is None) == (youtube_url is None):
        raise LiveError("invalid", _("Choose a video from the library or paste a YouTube link."))
    youtube_id = parse_youtube_id(youtube_url) if youtube_url is not None else ""
    session = lock_running_session(context)
    title = _("YouTube video %(id)s") % {"id": youtube_id}
    fields = {"source": VideoSource.YOUTUBE, "youtube_id": youtube_id, "title": title}
    if file_id is not None:
        library_file, duration = _library_video(session, file_id)
        title = library_file.name[:TITLE_MAX_LENGTH]
        fields = {"source": VideoSource.LIBRARY, "file": library_file, "title": title, "duration": duration}
    return do_open_video(session, context.participant, **fields)


def do_open_video(session, participant: Participant, **fields) -> SharedVideo:
    """Caller holds the session's row lock and has checked ``fields``."""
    current = open_video(session)
    if current is not None:
        _close(session, current)
    now = timezone.now()
    video = SharedVideo.objects.create(
        session=session, opened_by=participant, controller=participant, position_at=now, **fields
    )
    video = SharedVideo.objects.select_related("file", "controller").get(pk=video.pk)
    publish_on_commit(session, "video.opened", {"video": video_data(video, now)}, audiences.everyone())
    note_on_timeline(session, video)
    return video


def check_change_state(context, *, playing: bool | None, position: float) -> None:
    """Play, pause (``playing``) or seek (``playing`` None: as it was) at ``position``."""
    session = lock_running_session(context)
    video = _require_open(session)
    _require_controller(context, video)
    video.position = check_position(video, position)
    if playing is not None:
        video.playing = playing
    now = timezone.now()
    video.position_at = now
    video.save(update_fields=["position", "playing", "position_at"])
    publish_on_commit(session, "video.state", state_data(video, now), audiences.everyone())
    note_on_timeline(session, video)


def _close(session, video: SharedVideo) -> None:
    video.closed_at = timezone.now()
    video.save(update_fields=["closed_at"])
    publish_on_commit(session, "video.closed", {"id": video.pk}, audiences.everyone())
    note_on_timeline(session, video, hidden=True)


def check_close_video(context) -> None:
    require_moderator(context)
    session = lock_running_session(context)
    video = open_video(session)
    if video is not None:
        _close(session, video)


def check_hand_control(context, participant_id: int) -> None:
    """Give control of the video to another organiser (host or presenter) of this session."""
    require_moderator(context)
    session = lock_running_session(context)
    video = _require_open(session)
    target = access_organiser_in_session(
        context, participant_id, _("Only a host or a presenter can have control of the video.")
    )
    if video.controller_id == target.pk:
        return
    video.controller = target
    video.save(update_fields=["controller"])
    data = {"id": video.pk, "controller": participant_ref(target)}
    publish_on_commit(session, "video.control_changed", data, audiences.everyone())
