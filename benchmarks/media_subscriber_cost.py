"""Janus's CPU per subscriber of one webinar stream, at two bitrates, default threading vs ``event_loops``.

    .venv/bin/python benchmarks/media_subscriber_cost.py --runs 3

For each threading mode (Janus's default, a thread per peer connection: ``event_loops = 0``; and
Rostrum's configuration, ``event_loops`` = the CPUs) and each bitrate: a fresh Janus node with
Rostrum's generated configuration (own ports), one publisher (aiortc: VP8 640x480 at 30 fps of
moving noise, the encoder pinned to the bitrate, plus Opus) and subscribers added ``--step`` at a
time in processes of their own, through the backend the app uses (``rostrum.media.janus``). The
subscribers receive everything (SRTP, RTCP, NACKs, jitter buffer) but decode nothing. At each level,
after ``--settle`` seconds, Janus's own CPU time (``/proc/<pid>/stat``, all its threads) is read over
``--window`` seconds; the slope of a least-squares line through the levels is the CPU per
subscriber. The publisher's bitrate is measured over the same windows, and the slope is taken
over subscribers at the target bitrate (a level's subscribers x measured / target bitrate: on a
busy machine the encoder sometimes falls behind); the plain slope is kept as ``_raw``.
``--reanalyse <results file>`` recomputes the figures (e.g. for another ``--node-cores``) from the
levels stored in a results file, without measuring.

Extrapolation (assumptions, stated with the figures): CPU grows linearly with subscribers; a node
may be run at ``--usable`` (70 %) of its cores; a webinar's attendees each receive the one stream;
the network card (``--nic-gbits``) is the other bound. Nodes for N attendees =
max(N / (subscribers per core * cores * usable), N * bitrate / NIC), rounded up, for a node like
``--node-cores``.
"""

import argparse
import asyncio
import json
import math
import os
import secrets
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from common import rss_kib
from media_common import (
    BenchJanus,
    MachineWindow,
    attach_sink,
    audio_track,
    count_received_packets,
    finish,
    new_peer,
    noise_video_track,
    set_video_bitrate,
    spawn,
    stop_all,
    wait_line,
)

SCRIPT = Path(__file__).resolve()
FEED = 101


def media_room(spec):
    from rostrum.media.backend import MediaRoom

    return MediaRoom(room_id=spec["room_id"], secret=spec["room_secret"], node=spec["url"], max_publishers=4)


# --- workers ----------------------------------------------------------------------------------------------


async def stdin_line() -> str:
    return (await asyncio.get_running_loop().run_in_executor(None, sys.stdin.readline)).strip()


async def publisher(spec: dict) -> None:
    """Publish until told to stop; each ``mark`` on stdin answers the video bytes sent so far."""
    from aiortc import RTCSessionDescription

    from rostrum.media.janus import JanusBackend

    set_video_bitrate(spec["bitrate"])
    backend = JanusBackend([spec["url"]], spec["api_secret"])
    pc = new_peer()
    pc.addTrack(audio_track(0.02))
    video = pc.addTrack(noise_video_track(640, 480, 30))
    await pc.setLocalDescription(await pc.createOffer())
    handle, answer = await backend.publish(
        media_room(spec), FEED, "Presenter", {"type": "offer", "sdp": pc.localDescription.sdp}
    )
    await pc.setRemoteDescription(RTCSessionDescription(**answer))
    for _ in range(200):  # at most 20 s
        if pc.connectionState == "connected":
            break
        await asyncio.sleep(0.1)
    await asyncio.sleep(2)  # the encoder settles at its bitrate
    print("ready", flush=True)
    while await stdin_line() == "mark":
        stats = await video.getStats()
        sent = sum(s.bytesSent for s in stats.values() if s.type == "outbound-rtp")
        print(json.dumps({"video_bytes_sent": sent, "at": time.monotonic()}), flush=True)
    await backend.hang_up(handle)
    await pc.close()
    await backend.close()


async def subscribers(spec: dict) -> dict:
    """``count`` subscribers of the feed; ``ready`` once each has video packets; stop on stdin."""
    from aiortc import RTCSessionDescription

    from rostrum.media.janus import JanusBackend

    count_received_packets(drop=False)
    backend = JanusBackend([spec["url"]], spec["api_secret"])
    room = media_room(spec)
    received = [0] * spec["count"]
    video_seen = [False] * spec["count"]
    peers, handles, errors = [], [], []

    async def one(index):
        def sink(kind, size, arrived):
            received[index] += size
            video_seen[index] = video_seen[index] or kind == "video"

        try:
            handle, offer = await backend.subscribe(room, [FEED])
            handles.append(handle)
            pc = new_peer()
            peers.append(pc)
            await pc.setRemoteDescription(RTCSessionDescription(**offer))
            attach_sink(pc, sink, decode=False)
            await pc.setLocalDescription(await pc.createAnswer())
            await backend.start(handle, {"type": "answer", "sdp": pc.localDescription.sdp})
        except Exception as error:
            errors.append(f"{type(error).__name__}: {error}")

    await asyncio.gather(*(one(i) for i in range(spec["count"])))
    for _ in range(300):  # at most 30 s
        if all(video_seen):
            break
        await asyncio.sleep(0.1)
    print("ready", flush=True)
    await stdin_line()
    result = {
        "subscribers": spec["count"],
        "receiving_video": sum(video_seen),
        "bytes": sum(received),
        "errors": errors,
    }
    for handle in handles:
        await backend.hang_up(handle)
    for pc in peers:
        await pc.close()
    await backend.close()
    return result


def run_worker(path: str) -> None:
    spec = json.loads(Path(path).read_text())
    if spec["role"] == "publisher":
        asyncio.run(publisher(spec))
    else:
        print(json.dumps(asyncio.run(subscribers(spec))), flush=True)
    sys.stdout.flush()
    os._exit(0)  # aiortc's codec threads must not keep the process alive


# --- the driver --------------------------------------------------------------------------------------------


def ask(process, command: str, timeout: float = 10) -> dict:
    import selectors

    process.stdin.write(command + "\n")
    process.stdin.flush()
    with selectors.DefaultSelector() as selector:
        selector.register(process.stdout, selectors.EVENT_READ)
        if not selector.select(timeout=timeout):
            raise RuntimeError(f"no answer to {command!r}")
        return json.loads(process.stdout.readline())


def slope(points: list[tuple[float, float]]) -> float:
    """Least-squares slope of y over x."""
    n = len(points)
    mean_x = sum(x for x, _ in points) / n
    mean_y = sum(y for _, y in points) / n
    var = sum((x - mean_x) ** 2 for x, _ in points)
    return sum((x - mean_x) * (y - mean_y) for x, y in points) / var if var else float("nan")


def measure(workdir: Path, name: str, event_loops: int, bitrate: int, options) -> dict:
    janus = BenchJanus(workdir / f"janus-{name}", event_loops).start()
    processes = []
    spec = {"url": janus.url, "api_secret": janus.api_secret, "room_id": 4242, "room_secret": secrets.token_hex(8)}
    try:
        publisher_process = spawn(SCRIPT, {**spec, "role": "publisher", "bitrate": bitrate}, workdir, f"{name}-pub")
        processes.append(publisher_process)
        wait_line(publisher_process, "ready", 60)
        levels = []
        for level in range(options.steps + 1):
            if level:
                worker = spawn(
                    SCRIPT, {**spec, "role": "subscribers", "count": options.step}, workdir, f"{name}-{level}"
                )
                processes.append(worker)
                wait_line(worker, "ready", 90)
            time.sleep(options.settle)
            sent0, cpu0, window = ask(publisher_process, "mark"), janus.cpu_seconds(), MachineWindow()
            time.sleep(options.window)
            sent1, cpu1, machine = ask(publisher_process, "mark"), janus.cpu_seconds(), window.result()
            seconds = sent1["at"] - sent0["at"]
            levels.append(
                {
                    "subscribers": level * options.step,
                    "janus_cpus": round((cpu1 - cpu0) / machine["seconds"], 4),
                    "video_mbits": round(
                        (sent1["video_bytes_sent"] - sent0["video_bytes_sent"]) * 8 / seconds / 1e6, 3
                    ),
                    "janus_rss_mib": round(rss_kib(janus.process.pid) / 1024, 1),
                    "machine": machine,
                }
            )
        for worker in processes[1:]:
            worker.stdin.write("stop\n")
            worker.stdin.flush()
        workers = [finish(worker, 30) for worker in processes[1:]]
        publisher_process.stdin.write("stop\n")
        publisher_process.stdin.flush()
        finish(publisher_process, 20)
    finally:
        stop_all(processes)
        janus.stop()
    return {
        "event_loops": event_loops,
        **analyse(levels, bitrate / 1e6),
        "levels": levels,
        "subscribers_receiving_video": sum(w.get("receiving_video", 0) for w in workers),
        "subscriber_errors": [e for w in workers for e in w.get("errors", [])][:5],
    }


def analyse(levels: list[dict], target_mbits: float) -> dict:
    """The slopes through a configuration's levels.

    On a busy machine the publisher's encoder sometimes falls behind (fewer bits in a window:
    less for Janus to forward). The figure therefore counts subscribers at the target bitrate:
    each level's subscribers times its measured bitrate over the target (forwarding cost is taken
    as proportional to the bits forwarded). The plain slope is kept beside it (``_raw``).
    """
    raw = slope([(lv["subscribers"], lv["janus_cpus"]) for lv in levels])
    at_target = slope([(lv["subscribers"] * lv["video_mbits"] / target_mbits, lv["janus_cpus"]) for lv in levels])
    return {
        "target_mbits": target_mbits,
        "video_mbits_median": sorted(lv["video_mbits"] for lv in levels)[len(levels) // 2],
        "cpu_pct_per_subscriber": round(at_target * 100, 3),
        "cpu_pct_per_subscriber_raw": round(raw * 100, 3),
        "janus_mib_per_subscriber": round(slope([(lv["subscribers"], lv["janus_rss_mib"]) for lv in levels]), 3),
    }


def flat(name: str, config: dict, options) -> dict:
    """A configuration's figures as the run's top-level keys (what the summary takes medians of)."""
    result = {
        f"{name}_pct_per_subscriber": config["cpu_pct_per_subscriber"],
        f"{name}_pct_per_subscriber_raw": config["cpu_pct_per_subscriber_raw"],
        f"{name}_mib_per_subscriber": config["janus_mib_per_subscriber"],
    }
    for key, value in extrapolate(config["cpu_pct_per_subscriber"], config["target_mbits"], options).items():
        result[f"{name}_{key}"] = value
    return result


def extrapolate(pct_per_subscriber: float, mbits: float, options) -> dict:
    per_core = 100 / pct_per_subscriber if pct_per_subscriber > 0 else float("inf")
    by_cpu = per_core * options.node_cores * options.usable
    by_network = options.nic_gbits * 1000 / mbits
    per_node = min(by_cpu, by_network)
    return {
        "subscribers_per_core": round(per_core),
        "subscribers_per_node": math.floor(per_node),
        "node_bound": "cpu" if by_cpu <= by_network else "network",
        "nodes_for_1000": math.ceil(1000 / per_node),
        "nodes_for_10000": math.ceil(10000 / per_node),
    }


def run_once(backend, workdir: Path, number: int, options) -> dict:
    result = {}
    cores = os.cpu_count() or 1
    for mode, event_loops in (("default", 0), ("event_loops", cores)):
        for bitrate in options.bitrates:
            name = f"{mode}_{bitrate / 1e6:g}M"
            config = measure(workdir, f"cost-{number}-{name}", event_loops, bitrate, options)
            result.update(flat(name, config, options))
            result[name] = config
            print(f"  {name}: {config['cpu_pct_per_subscriber']} % of a core per subscriber", file=sys.stderr)
    return result


# The summary's figures: medians over runs of each configuration's slope and extrapolation.
FIGURES = [
    (f"{mode}_{rate}M_{key}", "")
    for mode in ("default", "event_loops")
    for rate in ("0.5", "2.25")
    for key in (
        "pct_per_subscriber",
        "pct_per_subscriber_raw",
        "mib_per_subscriber",
        "subscribers_per_core",
        "subscribers_per_node",
        "nodes_for_1000",
        "nodes_for_10000",
    )
]


def add_arguments(parser) -> None:
    parser.add_argument("--bitrates", type=lambda text: [int(v) for v in text.split(",")], default=[500_000, 2_250_000])
    parser.add_argument("--step", type=int, default=10, help="subscribers added per level (one process each)")
    parser.add_argument("--steps", type=int, default=3, help="levels after the publisher alone")
    parser.add_argument("--settle", type=float, default=2.0)
    parser.add_argument("--window", type=float, default=8.0)
    parser.add_argument("--node-cores", type=int, default=8, help="the node size of the extrapolation")
    parser.add_argument("--usable", type=float, default=0.7, help="share of its cores a node may use")
    parser.add_argument("--nic-gbits", type=float, default=1.0, help="a node's network card, Gbit/s")


def reanalyse(path: Path, options) -> None:
    """Recompute the figures from the levels stored in a results file (no new measurement)."""
    from common import median

    report = json.loads(path.read_text())
    runs = []
    for run in report["results"]["subscriber_cost"]["runs"]:
        again = {}
        for name, config in run.items():
            if isinstance(config, dict) and "levels" in config:
                again.update(flat(name, {**config, **analyse(config["levels"], config["target_mbits"])}, options))
        runs.append(again)
    summary = {}
    for figure, _goal in FIGURES:
        values = [r[figure] for r in runs if figure in r]
        summary[figure] = {"median": median(values) if values else None, "runs": values}
    out = path.with_name(f"{path.stem}-subscriber_cost-reanalysed-{options.node_cores}cores.json")
    settings = {key: str(value) if isinstance(value, Path) else value for key, value in vars(options).items()}
    out.write_text(json.dumps({"source": path.name, "options": settings, "summary": summary, "runs": runs}, indent=2))
    for figure, values in summary.items():
        print(f"| {figure} | {values['median']} | {', '.join(str(v) for v in values['runs'])} |")
    print(f"\nWritten: {out}")


def main() -> None:
    if len(sys.argv) == 3 and sys.argv[1] == "--worker":
        run_worker(sys.argv[2])
        return
    from media import run_benchmark

    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    add_arguments(parser)
    parser.add_argument("--reanalyse", type=Path, help="a results file: recompute its figures, measure nothing")
    known, _rest = parser.parse_known_args()
    if known.reanalyse:
        reanalyse(known.reanalyse, known)
        return
    run_benchmark(parser, "subscriber_cost", run_once, FIGURES)


if __name__ == "__main__":
    main()
