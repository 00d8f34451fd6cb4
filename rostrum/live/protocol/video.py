"""Video sharing frames (rostrum.videoshare): registered by the videoshare app when it loads."""

from typing import Annotated

from pydantic import Field

from rostrum.live.protocol.base import Empty, Frame
from rostrum.live.registry import handles
from rostrum.videoshare import actions

# The bounds (0 to the video's duration) are checked by the action, with a message for people.
Position = Annotated[float, Field(allow_inf_nan=False)]


class Open(Frame):
    """Either a library video (``file_id``) or a YouTube link (``youtube_url``): the action checks it is one."""

    file_id: int | None = None
    youtube_url: Annotated[str, Field(max_length=500)] | None = None


class At(Frame):
    position: Position


class Control(Frame):
    participant_id: int


@handles("video.files", Empty)
def files(context, message):
    return {"files": actions.list_shareable_videos(context)}


@handles("video.open", Open)
def open_video(context, message):
    video = actions.check_open_video(context, file_id=message.file_id, youtube_url=message.youtube_url)
    return {"id": video.pk}


@handles("video.play", At)
def play(context, message):
    actions.check_change_state(context, playing=True, position=message.position)


@handles("video.pause", At)
def pause(context, message):
    actions.check_change_state(context, playing=False, position=message.position)


@handles("video.seek", At)
def seek(context, message):
    actions.check_change_state(context, playing=None, position=message.position)


@handles("video.close", Empty)
def close(context, message):
    actions.check_close_video(context)


@handles("video.control", Control)
def hand_control(context, message):
    actions.check_hand_control(context, message.participant_id)
