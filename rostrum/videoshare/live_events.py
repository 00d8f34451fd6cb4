"""The shared video in a snapshot, and how its events change it.

``video`` is ``null`` or the open one with its play state: ``playing``, ``position`` (seconds) as of
``position_at`` and ``now`` (both epoch milliseconds, the server's clock). ``now`` is when the
frame was made, not state: a browser compares it with its own clock to compute the position
(``position + (server now - position_at) / 1000 * rate`` while playing).
"""

from django.utils import timezone

from rostrum.live.registry import reduces, snapshot_part
from rostrum.videoshare.actions import open_video, video_data

STATE_FIELDS = ("playing", "position", "position_at", "rate", "now")


@snapshot_part
def video_part(context) -> dict:
    if not context.participant.is_admitted:
        return {"video": None}  # the lobby gets a fresh snapshot when let in
    video = open_video(context.session)
    return {"video": video_data(video, timezone.now()) if video is not None else None}


def _shown(snapshot, video_id):
    video = snapshot.get("video")
    return video if video is not None and video["id"] == video_id else None


@reduces("video.opened")
def video_opened(snapshot, data, viewer):
    snapshot["video"] = data["video"]


@reduces("video.state")
def video_state(snapshot, data, viewer):
    video = _shown(snapshot, data["id"])
    if video is not None:
        for field in STATE_FIELDS:
            video[field] = data[field]


@reduces("video.closed")
def video_closed(snapshot, data, viewer):
    if _shown(snapshot, data["id"]) is not None:
        snapshot["video"] = None


@reduces("video.control_changed")
def video_control_changed(snapshot, data, viewer):
    video = _shown(snapshot, data["id"])
    if video is not None:
        video["controller"] = data["controller"]
