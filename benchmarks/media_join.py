"""P6: simultaneous joins to a meeting, each through the room's WebSocket: join → first remote media.

    .venv/bin/python benchmarks/media_join.py --runs 3          # 40 participants, 4 of them on camera

Each run: a fresh Janus node (its own ports), a fresh app server using it (``run.Server``: the flags
of ``scripts/run``, pinned to CPU 0), a started meeting on the business plan (1,000 attendees per
room: no cap below 40) with the host already on camera and microphone. Then ``--participants``
participants, spread over ``--processes`` aiortc processes, join at the same instant, each as the
browser does (``rostrum/static/rostrum/live/media.js``):

- open the room's socket and wait for the snapshot;
- subscribe at once to every feed live in it but their own (``media.subscribe``, answer with
  ``media.start``, then ``media.trickle`` its candidates and their end), and again with the whole
  wanted set at every ``media.published`` / ``media.unpublished`` (one request at a time; a refused
  one is retried after 3 s or at the next change);
- publish their camera feed (``media.publish``, then ``media.trickle``): ``--video-publishers``
  send microphone and camera (VP8 320x240, 15 fps, ~0.3 Mbit/s, no simulcast), the others their
  microphone only.

Offers and answers are sent as a browser writes them (``media_common.browser_like``: one
fingerprint, candidates trickled), not as aiortc does: aiortc's answer to forty feeds is over the
protocol's 40 KiB.

Measured per participant, on one clock (``perf_counter``, in its own process): from the moment it
starts opening its socket to the first RTP packet with a payload of any remote feed (audio or video)
on its receiving connection, after SRTP. Received packets are counted and dropped, not decoded:
forty aiortc peers decoding each other would make the load generator, not Rostrum, the limit.
A participant without remote media ``--seconds`` after the start counts as a failure.

Microphones that are not on camera send one 20 ms Opus frame every ``--audio-interval-ms``
(100 ms: a quiet microphone; a browser with DTX sends one every 400 ms in silence); the host and the
participants on camera send a continuous 50 packets/s. With every microphone continuous, forty
participants receiving thirty-nine streams each would be ~80,000 packets/s into the Python load
generator on the same two CPUs.
"""

import argparse
import asyncio
import contextlib
import json
import os
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

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
    wait_line,
)

SCRIPT = Path(__file__).resolve()
VIDEO = {"width": 320, "height": 240, "fps": 15, "bitrate": 300_000}
RETRY_SECONDS = 3.0  # media.js's RETRY_MS


# --- one participant (in a worker process) -------------------------------------------------------------


class Participant:
    def __init__(self, port: int, token: str, video: bool, audio_interval: float, publish_when: str = "join"):
        self.port, self.token, self.video, self.audio_interval = port, token, video, audio_interval
        self.publish_when = publish_when
        self.got_media = asyncio.Event()
        self.client = None
        self.me = None
        self.own_feed = None
        self.wanted: set[int] = set()
        self.changed = asyncio.Event()
        self.publisher = None
        self.receiver = None
        self.times: dict[str, float] = {}
        self.first_kind = None
        self.packets = 0
        self.renegotiations = 0
        self.errors: list[str] = []
        self.t0 = 0.0

    def mark(self, name: str, at: float | None = None) -> None:
        self.times.setdefault(name, (at or time.perf_counter()) - self.t0)

    def on_frame(self, frame: dict) -> None:
        kind, data = frame.get("type"), frame.get("data") or {}
        if kind == "snapshot":
            self.wanted = {f["feed_id"] for f in frame["media"]["feeds"] if f["participant_id"] != self.me}
        elif kind == "media.published" and data.get("participant_id") != self.me:
            self.wanted.add(data["feed_id"])
        elif kind == "media.unpublished":
            self.wanted.discard(data.get("feed_id"))
        else:
            return
        self.changed.set()

    def on_packet(self, kind: str, size: int, arrived: float) -> None:
        self.packets += 1
        if self.first_kind is None:
            self.first_kind = kind
            self.mark("first_media", arrived)
            self.got_media.set()
        self.mark(f"first_{kind}", arrived)

    async def run(self, end: float) -> None:
        self.t0 = time.perf_counter()
        tasks = []
        try:
            self.client = await open_room(self.port, self.token, self.on_frame)
            self.mark("snapshot")
            snapshot = self.client.snapshot_data
            self.me = snapshot["me"]["id"]
            self.on_frame(snapshot)
            tasks = [asyncio.ensure_future(self.receive()), asyncio.ensure_future(self.publish())]
            await asyncio.sleep(max(0.0, end - time.monotonic()))
        except Exception as error:  # counted, never fatal to the others
            self.errors.append(f"{type(error).__name__}: {error}")
        finally:
            for task in tasks:
                if task.done() and not task.cancelled() and task.exception():
                    self.errors.append(f"{type(task.exception()).__name__}: {task.exception()}")
                task.cancel()

    async def publish(self) -> None:
        if self.publish_when == "after_media":
            await self.got_media.wait()
        pc = self.publisher = new_peer()
        pc.addTrack(audio_track(0.02 if self.video else self.audio_interval))
        if self.video:
            pc.addTrack(noise_video_track(VIDEO["width"], VIDEO["height"], VIDEO["fps"]))
        await pc.setLocalDescription(await pc.createOffer())
        offer, candidates = browser_like(pc)
        self.mark("offer_made")
        reply = await self.client.request("media.publish", {"kind": "camera", "jsep": offer})
        self.own_feed = reply["feed"]["feed_id"]
        self.mark("published")
        from aiortc import RTCSessionDescription

        await pc.setRemoteDescription(RTCSessionDescription(**reply["jsep"]))
        await self.trickle("camera", candidates)

    async def trickle(self, target: str, candidates: list[dict]) -> None:
        """The candidates, then the end of them, as media.js sends them (without waiting for acks)."""
        replies = [self.client.send("media.trickle", {"target": target, "candidate": c}) for c in [*candidates, None]]
        for reply in await asyncio.wait_for(asyncio.gather(*replies), 20):
            if reply.get("type") == "error":
                self.errors.append(f"trickle: {reply.get('code')}")

    async def receive(self) -> None:
        """media.js's ``sync``/``receive``: the whole wanted set, one request at a time."""
        current: list[int] = []  # nothing received yet: no request for an empty set
        while True:
            self.changed.clear()
            key = sorted(self.wanted)
            failed = False
            if key != current:
                try:
                    reply = await self.client.request("media.subscribe", {"feeds": key})
                    self.mark("subscribed")
                    if reply.get("jsep"):
                        await self.answer(reply["jsep"])
                    current = key
                except Exception as error:
                    self.errors.append(f"subscribe: {error}")
                    failed = True
            if not failed and sorted(self.wanted) != current:
                continue  # it changed meanwhile
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(self.changed.wait(), RETRY_SECONDS if failed else None)

    async def answer(self, offer: dict) -> None:
        from aiortc import RTCSessionDescription

        first = self.receiver is None
        if first:
            self.receiver = new_peer()
        else:
            self.renegotiations += 1
        await self.receiver.setRemoteDescription(RTCSessionDescription(**offer))
        attach_sink(self.receiver, self.on_packet)
        await self.receiver.setLocalDescription(await self.receiver.createAnswer())
        answer, candidates = browser_like(self.receiver)
        self.mark("answer_made")
        await self.client.request("media.start", {"jsep": answer})
        if first:
            self.mark("started")
            await self.trickle("subscriber", candidates)

    async def close(self) -> None:
        for pc in (self.publisher, self.receiver):
            if pc is not None:
                await pc.close()
        if self.client is not None:
            self.client.close()

    def result(self) -> dict:
        return {
            "video": self.video,
            "times": {name: round(value, 4) for name, value in self.times.items()},
            "first_kind": self.first_kind,
            "packets": self.packets,
            "renegotiations": self.renegotiations,
            "errors": self.errors[:5],
        }


async def worker(spec: dict) -> dict:
    count_received_packets(drop=True)
    set_video_bitrate(VIDEO["bitrate"])
    people = [
        Participant(spec["port"], p["token"], p["video"], spec["audio_interval"], spec["publish_when"])
        for p in spec["participants"]
    ]
    # start_at is wall-clock time shared by the processes; each measures on its own perf_counter.
    late = time.time() - spec["start_at"]
    await asyncio.sleep(max(0.0, -late))
    end = time.monotonic() + spec["seconds"]
    cpu0 = time.process_time()
    await asyncio.gather(*(person.run(end) for person in people))
    cpu = time.process_time() - cpu0
    await asyncio.wait_for(asyncio.gather(*(p.close() for p in people), return_exceptions=True), 15)
    return {"late_start_s": round(late, 3), "cpu_seconds": round(cpu, 2), "participants": [p.result() for p in people]}


async def host(spec: dict) -> None:
    """The host on camera and microphone before anyone joins; stays until its stdin says stop."""
    set_video_bitrate(VIDEO["bitrate"])
    person = Participant(spec["port"], spec["token"], True, 0.02)
    person.t0 = time.perf_counter()
    person.client = await open_room(spec["port"], spec["token"], None)
    await person.publish()
    for _ in range(150):  # at most 15 s
        if person.publisher.connectionState == "connected":
            break
        await asyncio.sleep(0.1)
    await asyncio.sleep(1.0)  # media flowing into Janus
    print("ready", flush=True)
    await asyncio.get_running_loop().run_in_executor(None, sys.stdin.readline)
    await asyncio.wait_for(person.close(), 10)


def run_worker(path: str) -> None:
    spec = json.loads(Path(path).read_text())
    if spec.get("host"):
        asyncio.run(host(spec))
    else:
        print(json.dumps(asyncio.run(worker(spec))), flush=True)
    sys.stdout.flush()
    os._exit(0)  # aiortc's codec threads must not keep the process alive


# --- the driver ------------------------------------------------------------------------------------------


def run_once(backend, workdir: Path, number: int, options) -> dict:
    n, processes = options.participants, options.processes
    workers = []
    with Stack(backend, workdir, f"join-{number}", "meeting", n) as stack:
        try:
            spec = {"host": True, "port": stack.port, "token": stack.tokens["host"]}
            host_process = spawn(SCRIPT, spec, workdir, f"join-{number}-host")
            workers.append(host_process)
            wait_line(host_process, "ready", 40)
            start_at = time.time() + 5  # the workers import aiortc meanwhile
            people = [
                {"token": token, "video": index < options.video_publishers}
                for index, token in enumerate(stack.tokens["attendees"][:n])
            ]
            for p in range(processes):
                spec = {
                    "port": stack.port,
                    "start_at": start_at,
                    "seconds": options.seconds,
                    "audio_interval": options.audio_interval_ms / 1000,
                    "publish_when": options.publish_when,
                    "participants": people[p::processes],
                }
                workers.append(spawn(SCRIPT, spec, workdir, f"join-{number}-{p}"))
            time.sleep(max(0.0, start_at - time.time()))
            window, cpu0 = MachineWindow(), stack.cpu()
            results = [finish(process, options.seconds + 60) for process in workers[1:]]
            machine, cpu1 = window.result(), stack.cpu()
            host_process.stdin.write("stop\n")
            host_process.stdin.flush()
            finish(host_process, 20)
        finally:
            stop_all(workers)
    participants = [p for r in results for p in r.get("participants", [])]
    latencies = [p["times"]["first_media"] for p in participants if "first_media" in p["times"]]
    failures = n - len(latencies)
    stage = {
        name: summary([p["times"][name] for p in participants if name in p["times"]])
        for name in (
            "snapshot",
            "subscribed",
            "answer_made",
            "started",
            "offer_made",
            "published",
            "first_audio",
            "first_video",
        )
    }
    first = summary(latencies)
    return {
        "participants": n,
        "publish_when": options.publish_when,
        "video_publishers": options.video_publishers,
        "processes": processes,
        "first_media_p50_ms": first["p50_ms"],
        "first_media_p95_ms": first["p95_ms"],
        "first_media_max_ms": first["max_ms"],
        "failures": failures,
        "participants_with_errors": sum(1 for p in participants if p["errors"]),
        "stages": stage,
        "first_kind": {kind: sum(1 for p in participants if p["first_kind"] == kind) for kind in ("audio", "video")},
        "renegotiations_median": sorted(p["renegotiations"] for p in participants)[len(participants) // 2]
        if participants
        else None,
        "packets_received": sum(p["packets"] for p in participants),
        "cpu_seconds": {
            "janus": round(cpu1["janus"] - cpu0["janus"], 2),
            "server": round(cpu1["server"] - cpu0["server"], 2),
            "load_generators": round(sum(r.get("cpu_seconds", 0) for r in results), 2),
        },
        "worker_late_start_s": [r.get("late_start_s") for r in results],
        "worker_errors": [r["error"] for r in results if "error" in r],
        "machine": machine,
        "errors_sample": [e for p in participants for e in p["errors"]][:10],
    }


FIGURES = [("first_media_p50_ms", ""), ("first_media_p95_ms", "≤ 1000"), ("failures", "0")]


def add_arguments(parser) -> None:
    parser.add_argument("--participants", type=int, default=40)
    parser.add_argument("--video-publishers", type=int, default=4)
    parser.add_argument("--processes", type=int, default=4)
    parser.add_argument("--seconds", type=float, default=20, help="how long each participant stays")
    parser.add_argument("--audio-interval-ms", type=float, default=100)
    parser.add_argument(
        "--publish-when",
        choices=["join", "after_media"],
        default="join",
        help="publish at once (the figure), or only after receiving (a diagnosis: the socket's frames are"
        " handled one at a time, so a participant's publish delays its own media.start)",
    )


def main() -> None:
    if len(sys.argv) == 3 and sys.argv[1] == "--worker":
        run_worker(sys.argv[2])
        return
    from media import run_benchmark

    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    add_arguments(parser)
    run_benchmark(parser, "join", run_once, FIGURES)


if __name__ == "__main__":
    main()
