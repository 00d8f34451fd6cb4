"""The shared library video's MP4, for the participants of its session only, with Range support.

A browser is recognised as on the room page by the participant key in its Django session (as for
presentations, ``engagement.views``). Anyone else, and any video that is closed, is not found.
"""

from django.http import Http404
from django.views.decorators.http import require_GET

from rostrum.recordings.ranges import range_response
from rostrum.rooms.constants import PARTICIPANT_KEY_SESSION_KEY
from rostrum.rooms.models import Participant
from rostrum.videoshare.constants import VideoSource
from rostrum.videoshare.models import SharedVideo


def access_video_by_browser(request, video_id: int) -> SharedVideo:
    """The open library video of a session this browser is admitted to (or organises), or 404."""
    key = request.session.get(PARTICIPANT_KEY_SESSION_KEY)
    video = (
        SharedVideo.objects.select_related("file", "session")
        .filter(pk=video_id, closed_at=None, source=VideoSource.LIBRARY)
        .first()
    )
    if not key or video is None or video.session.ended_at is not None or not video.file.converted:
        raise Http404
    participant = Participant.objects.filter(session=video.session, key=key, is_expelled=False).first()
    if participant is None or not (participant.is_admitted or participant.is_organiser):
        raise Http404
    return video


@require_GET
def shared_video_file(request, video_id: int):
    video = access_video_by_browser(request, video_id)
    try:
        response = range_response(request, video.file.converted, "video/mp4", f"video-{video.pk}.mp4")
    except (FileNotFoundError, ValueError):
        raise Http404 from None
    # Private: for this session's participants; the bytes do not change while it is shared.
    response["Cache-Control"] = "private, max-age=3600"
    return response
