"""A presenter's "start camera" → the first decoded frame at an attendee already in the room.

    .venv/bin/python benchmarks/media_first_frame.py --runs 3          # 5 repetitions a run

Each run: a fresh Janus node (own ports), a fresh app server using it (``run.Server``), a started
webinar with its host (the presenter) and one attendee, both on the room's WebSocket, in one aiortc
process (one clock, ``perf_counter``). Each repetition, as the browser does
(``rostrum/static/rostrum/live/media.js``):

1. the presenter starts the camera: a peer connection with microphone and camera (VP8 640x480 at
   30 fps, ~1 Mbit/s, moving noise), its offer, ``media.publish``, the answer, ``media.trickle``;
2. the attendee hears ``media.published``, sends ``media.subscribe`` with the feed, answers the
   offer with ``media.start`` and trickles its candidates;
3. the attendee's peer connection receives and **decodes** the first video frame.

Measured: from the presenter's click (before its peer connection and offer are made; a browser
would first open the camera, which is not the server's time) and from its ``media.publish``
request, to that first decoded frame. Between repetitions the presenter stops the camera
(``media.unpublish``) and the attendee closes its receiving connection (``media.subscribe`` with
``[]``), as the browser does when the feed ends.
"""

import argparse
import asyncio
import json
import os
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from common import median
from media_common import (
    MachineWindow,
    Stack,
    attach_sink,
    audio_track,
    browser_like,
    count_received_packets,
    finish,
    new_peer,
    noise_video_track,
    open_room,
    set_video_bitrate,
    spawn,
    stop_all,
    summary,
)

SCRIPT = Path(__file__).resolve()
TIMEOUT = 20  # seconds a repetition may take before it counts as a failure


class Attendee:
    """Receives every feed but its own, as media.js does, and notes when the first frame is decoded."""

    def __init__(self):
        self.client = None
        self.pc = None
        self.events: dict[int, float] = {}  # feed -> when media.published arrived
        self.frame = asyncio.Event()
        self.times: dict[str, float] = {}
        self.tasks: list[asyncio.Task] = []
        self.ended = asyncio.Event()
        self.closing: asyncio.Future | None = None

    def on_frame(self, frame: dict) -> None:
        kind, data = frame.get("type"), frame.get("data") or {}
        if kind == "media.published":
            self.times.setdefault("event", time.perf_counter())
            self.tasks.append(asyncio.ensure_future(self.subscribe([data["feed_id"]])))
        elif kind == "media.unpublished":
            self.closing = asyncio.ensure_future(self.close_receiver())

    def on_packet(self, kind: str, size: int, arrived: float) -> None:
        if kind == "video":
            self.times.setdefault("first_packet", arrived)

    async def subscribe(self, feeds: list[int]) -> None:
        from aiortc import RTCSessionDescription

        reply = await self.client.request("media.subscribe", {"feeds": feeds})
        self.times.setdefault("subscribed", time.perf_counter())
        self.pc = new_peer()
        self.pc.on("track", self.track)
        await self.pc.setRemoteDescription(RTCSessionDescription(**reply["jsep"]))
        attach_sink(self.pc, self.on_packet)
        await self.pc.setLocalDescription(await self.pc.createAnswer())
        answer, candidates = browser_like(self.pc)
        await self.client.request("media.start", {"jsep": answer})
        self.times.setdefault("started", time.perf_counter())
        for candidate in [*candidates, None]:
            self.client.send("media.trickle", {"target": "subscriber", "candidate": candidate})

    def track(self, track) -> None:
        if track.kind == "video":
            self.tasks.append(asyncio.ensure_future(self.read(track)))

    async def read(self, track) -> None:
        while True:
            try:
                await track.recv()
            except Exception:
                return
            self.times.setdefault("first_frame", time.perf_counter())
            self.frame.set()

    async def close_receiver(self) -> None:
        await self.client.request("media.subscribe", {"feeds": []})
        for task in self.tasks:
            if task is not asyncio.current_task():
                task.cancel()
        self.tasks = []
        if self.pc is not None:
            await self.pc.close()
            self.pc = None
        self.ended.set()

    def reset(self) -> None:
        self.times = {}
        self.frame.clear()
        self.ended.clear()


async def repetition(presenter, attendee: Attendee) -> dict:
    from aiortc import RTCSessionDescription

    attendee.reset()
    clicked = time.perf_counter()
    pc = new_peer()
    pc.addTrack(audio_track(0.02))
    pc.addTrack(noise_video_track(640, 480, 30))
    await pc.setLocalDescription(await pc.createOffer())
    offer, candidates = browser_like(pc)
    requested = time.perf_counter()
    result: dict = {}
    try:
        reply = await presenter.request("media.publish", {"kind": "camera", "jsep": offer})
        published = time.perf_counter()
        await pc.setRemoteDescription(RTCSessionDescription(**reply["jsep"]))
        for candidate in [*candidates, None]:
            presenter.send("media.trickle", {"target": "camera", "candidate": candidate})
        await asyncio.wait_for(attendee.frame.wait(), TIMEOUT)
        times = attendee.times
        result = {
            "click_to_frame": times["first_frame"] - clicked,
            "publish_to_frame": times["first_frame"] - requested,
            "publish_ack": published - requested,
            "event": times["event"] - requested,
            "subscribed": times["subscribed"] - requested,
            "started": times["started"] - requested,
            "first_packet": times.get("first_packet", float("nan")) - requested,
        }
    except Exception as error:
        result = {"error": f"{type(error).__name__}: {error}"}
    finally:
        await asyncio.sleep(1)  # the picture plays a moment
        try:
            await presenter.request("media.unpublish", {"kind": "camera"})
            await pc.close()
            await asyncio.wait_for(attendee.ended.wait(), 10)
        except Exception as error:
            result.setdefault("cleanup_error", f"{type(error).__name__}: {error}")
        await asyncio.sleep(0.5)
    return {k: round(v, 4) if isinstance(v, float) else v for k, v in result.items()}


async def worker(spec: dict) -> dict:
    count_received_packets(drop=False)
    set_video_bitrate(spec["bitrate"])
    attendee = Attendee()
    attendee.client = await open_room(spec["port"], spec["attendee"], attendee.on_frame)
    presenter = await open_room(spec["port"], spec["host"], None)
    await asyncio.sleep(1)
    repetitions = []
    cpu0 = time.process_time()
    for _ in range(spec["repetitions"]):
        repetitions.append(await repetition(presenter, attendee))
    cpu = time.process_time() - cpu0
    presenter.close()
    attendee.client.close()
    return {"repetitions": repetitions, "cpu_seconds": round(cpu, 2)}


def run_worker(path: str) -> None:
    spec = json.loads(Path(path).read_text())
    print(json.dumps(asyncio.run(worker(spec))), flush=True)
    sys.stdout.flush()
    os._exit(0)  # aiortc's codec threads must not keep the process alive


def run_once(backend, workdir: Path, number: int, options) -> dict:
    processes = []
    with Stack(backend, workdir, f"frame-{number}", "webinar", 1) as stack:
        try:
            spec = {
                "port": stack.port,
                "host": stack.tokens["host"],
                "attendee": stack.tokens["attendees"][0],
                "repetitions": options.repetitions,
                "bitrate": options.bitrate,
            }
            window, cpu0 = MachineWindow(), stack.cpu()
            processes.append(spawn(SCRIPT, spec, workdir, f"frame-{number}"))
            result = finish(processes[0], options.repetitions * (TIMEOUT + 15) + 60)
            machine, cpu1 = window.result(), stack.cpu()
        finally:
            stop_all(processes)
    repetitions = result.get("repetitions", [])
    done = [r for r in repetitions if "publish_to_frame" in r]
    frames = summary([r["publish_to_frame"] for r in done])
    clicks = summary([r["click_to_frame"] for r in done])
    stages = {
        name: round(median([r[name] for r in done]) * 1000, 1) if done else None
        for name in ("publish_ack", "event", "subscribed", "started", "first_packet")
    }
    return {
        "repetitions": options.repetitions,
        "publish_to_frame_median_ms": frames["p50_ms"],
        "publish_to_frame_p95_ms": frames["p95_ms"],
        "click_to_frame_median_ms": clicks["p50_ms"],
        "failures": options.repetitions - len(done),
        "stage_medians_ms_from_publish": stages,
        "cpu_seconds": {
            "janus": round(cpu1["janus"] - cpu0["janus"], 2),
            "server": round(cpu1["server"] - cpu0["server"], 2),
            "load_generator": result.get("cpu_seconds"),
        },
        "machine": machine,
        "raw": repetitions,
        "worker_error": result.get("error"),
    }


FIGURES = [
    ("publish_to_frame_median_ms", ""),
    ("publish_to_frame_p95_ms", ""),
    ("click_to_frame_median_ms", ""),
    ("failures", "0"),
]


def add_arguments(parser) -> None:
    parser.add_argument("--repetitions", type=int, default=5)
    parser.add_argument("--bitrate", type=int, default=1_000_000)


def main() -> None:
    if len(sys.argv) == 3 and sys.argv[1] == "--worker":
        run_worker(sys.argv[2])
        return
    from media import run_benchmark

    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    add_arguments(parser)
    run_benchmark(parser, "first_frame", run_once, FIGURES)


if __name__ == "__main__":
    main()
