from typing import Annotated, Literal

from pydantic import Field, StrictBool, StrictInt, StringConstraints

from rostrum.engagement.actions import chat, chat_files
from rostrum.engagement.constants import CHAT_MAX_LENGTH
from rostrum.live.protocol.base import Frame
from rostrum.live.registry import handles

Text = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=CHAT_MAX_LENGTH)]


class Post(Frame):
    text: Text
    to: Literal["organisers"] | Annotated[StrictInt, Field(gt=0)] | None = None


class MessageRef(Frame):
    message_id: StrictInt


class Lock(Frame):
    locked: bool


class AllowFiles(Frame):
    allowed: StrictBool


class Mute(Frame):
    participant_id: StrictInt
    muted: bool


class ParticipantRef(Frame):
    participant_id: StrictInt


@handles("chat.post", Post)
def post(context, message):
    return {"id": chat.check_post_message(context, message.text, message.to).pk}


@handles("chat.delete", MessageRef)
def delete(context, message):
    chat.check_delete_message(context, message.message_id)


@handles("chat.lock", Lock)
def lock(context, message):
    chat.check_lock_chat(context, message.locked)


@handles("chat.allow_files", AllowFiles)
def allow_files(context, message):
    chat_files.check_allow_files(context, message.allowed)


@handles("participant.mute_chat", Mute)
def mute(context, message):
    chat.check_mute_participant_chat(context, message.participant_id, message.muted)


@handles("participant.expel", ParticipantRef)
def expel(context, message):
    chat.check_expel(context, message.participant_id)
