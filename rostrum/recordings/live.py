"""Recording in the live room: the frames that start and stop it, and the indicator everyone sees.

``recording.start`` / ``recording.stop`` are organisers' frames (``check_*`` refuse anyone else
before Janus hears of it). Everyone's snapshot has ``recording: {active, started_at}``; the events
``recording.started`` / ``recording.stopped`` keep it current.
"""

import asyncio
import logging
from pathlib import Path

from rostrum.live.errors import LiveError
from rostrum.live.protocol.base import Empty
from rostrum.live.registry import after, handles_async, reduces, snapshot_part
from rostrum.media.backend import MediaError
from rostrum.media.relay import backend, media_room, quietly, unavailable
from rostrum.recordings import actions

logger = logging.getLogger(__name__)

# Janus answers ``ok`` to requests that record nothing (../shared/notes/janus.md): after starting,
# the folder is checked for .mjr files that grow; nothing there with feeds live is logged loudly.
VERIFY_AFTER_SECONDS = 3.0


def written_files(folder: str) -> list[Path]:
    path = Path(folder)
    return [p for p in path.glob("*.mjr") if p.stat().st_size > 0] if path.is_dir() else []


async def start_recording(peer, plan: actions.StartPlan) -> dict:
    Path(plan.spool_dir).mkdir(parents=True, exist_ok=True)
    try:
        await backend().record(media_room(plan.room), True, plan.spool_dir)
    except MediaError as error:
        raise unavailable(error) from None
    try:
        reply = await peer.call(actions.do_start_recording, plan.spool_dir)
    except LiveError as error:
        if error.code != "already_recording":
            await stop_quietly(plan.room)
        else:  # another organiser's start won the race: Janus writes into its folder, not ours
            running = await peer.call(actions.running_spool_dir)
            if running:
                await quietly(backend().record(media_room(plan.room), True, running))
        raise
    peer._in_background(verify_written(plan.spool_dir))
    return reply


async def verify_written(folder: str) -> None:
    await asyncio.sleep(VERIFY_AFTER_SECONDS)
    if not written_files(folder):
        logger.error("recording into %s: Janus has written no .mjr file yet (nobody publishing, or a trap)", folder)


async def stop_quietly(room_plan) -> None:
    try:
        await backend().record(media_room(room_plan), False)
    except MediaError as error:
        logger.warning("recording not stopped on the SFU: %s %s", error.code, error.message)


@handles_async("recording.start", Empty)
async def start(peer, message):
    plan = await peer.call(actions.check_start_recording)
    return await start_recording(peer, plan)


@handles_async("recording.stop", Empty)
async def stop(peer, message):
    room_plan = await peer.call(actions.check_stop_recording)
    await stop_quietly(room_plan)  # the files are closed; a Janus that is gone wrote what it had
    return await peer.call(actions.do_stop_recording_in_context)


@after("session.start")
async def start_automatically(peer, reply):
    plan = await peer.call(actions.check_start_automatic_recording)
    if plan is not None:
        await start_recording(peer, plan)


@after("session.end")
async def stop_with_session(peer, reply):
    # The SFU room is destroyed with the session (rostrum.media), which closes the files.
    await peer.call(actions.do_stop_recording_in_context)


@snapshot_part
def recording_part(context) -> dict:
    return {"recording": actions.recording_data(actions.running_recording(context.session))}


@reduces("recording.started")
def recording_started(snapshot, data, viewer):
    snapshot["recording"] = dict(data)


@reduces("recording.stopped")
def recording_stopped(snapshot, data, viewer):
    snapshot["recording"] = dict(data)
