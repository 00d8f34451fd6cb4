"""Media frames: the browser's offers, answers and ICE candidates, relayed to the SFU; the floor; mutes.

Each is authorised in ``rostrum.media.actions`` before anything reaches the SFU.
"""

from typing import Literal

from pydantic import Field

from rostrum.live.protocol.base import Frame
from rostrum.live.registry import after, handles, handles_async
from rostrum.media import actions
from rostrum.media.actions import MAX_SDP_BYTES

# Lanes (``rostrum.live.registry.Handler.lane``): a socket's frames about one peer connection run
# in order; its publishers' and its subscription's run side by side. Floor and mutes share one lane.
SUBSCRIBER = "subscriber"


class Offer(Frame):
    type: Literal["offer"]
    sdp: str = Field(min_length=1, max_length=MAX_SDP_BYTES)


class Answer(Frame):
    type: Literal["answer"]
    sdp: str = Field(min_length=1, max_length=MAX_SDP_BYTES)


class Publish(Frame):
    kind: Literal["camera", "screen"]
    jsep: Offer


class Unpublish(Frame):
    kind: Literal["camera", "screen"]


class Subscribe(Frame):
    feeds: list[int] = Field(max_length=100)


class Start(Frame):
    jsep: Answer


class Candidate(Frame):
    candidate: str = Field(max_length=1000)
    sdpMid: str | None = Field(default=None, max_length=64)  # the browser's spelling
    sdpMLineIndex: int | None = Field(default=None, ge=0, le=64)


class Trickle(Frame):
    target: Literal["camera", "screen", "subscriber"]
    candidate: Candidate | None = None  # None: the browser has gathered all its candidates


class SetFloor(Frame):
    participant_id: int
    floor: Literal["", "audio", "audio_video"]


class Quality(Frame):
    video: Literal["high", "low", "off"]  # "off": audio only, the SFU stops sending video
    allow_audio_only: bool = False  # the server may go down to "off" by itself on a weak connection


class AllowScreens(Frame):
    allowed: bool


class Block(Frame):
    participant_id: int
    kind: Literal["audio", "video"]
    blocked: bool


@handles_async("media.publish", Publish, lane=lambda m: m.kind)
async def publish(peer, message):
    return await peer.publish(message.kind, message.jsep.model_dump())


@handles_async("media.unpublish", Unpublish, lane=lambda m: m.kind)
async def unpublish(peer, message):
    return await peer.unpublish(message.kind)


@handles_async("media.subscribe", Subscribe, lane=lambda m: SUBSCRIBER)
async def subscribe(peer, message):
    return await peer.subscribe(message.feeds)


@handles_async("media.start", Start, lane=lambda m: SUBSCRIBER)
async def start(peer, message):
    return await peer.answer(message.jsep.model_dump())


@handles_async("media.trickle", Trickle, lane=lambda m: m.target)
async def trickle(peer, message):
    candidate = message.candidate.model_dump() if message.candidate else None
    return await peer.trickle(message.target, candidate)


@handles_async("floor.set", SetFloor)
async def set_floor(peer, message):
    return await peer.set_floor(message.participant_id, message.floor)


@handles_async("media.block", Block)
async def block(peer, message):
    return await peer.block(message.participant_id, message.kind, message.blocked)


@handles_async("media.quality", Quality, lane=lambda m: SUBSCRIBER)
async def quality(peer, message):
    return await peer.set_quality(message.video, message.allow_audio_only)


@handles("media.allow_screens", AllowScreens)
def allow_screens(context, message):
    actions.check_allow_several_screens(context, message.allowed)


@after("session.end")
async def end_media(peer, reply):
    await peer.end_session()
