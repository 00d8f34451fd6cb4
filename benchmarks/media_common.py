"""What the media benchmarks share: a private Janus node, aiortc peers, synthetic tracks, received RTP
counted without decoding, the room's WebSocket, and the machine's state during a run.

- Janus runs with its own configuration folder, WebSocket port and RTP port range, never 8188:
  other work on the machine (tests, a developer's ``scripts/run``) may have its own node.
- aiortc would ask a public STUN server by default: every peer here has an empty ICE server list.
  Janus gathers no loopback candidate and aiortc drops 127.0.0.1, so ICE uses the machine's own
  interface address (``../shared/notes/janus.md``): traffic that never leaves the machine.
"""

import asyncio
import dataclasses
import fractions
import json
import os
import secrets
import subprocess
import sys
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(HERE))

from common import cpu_seconds, machine_seconds, percentile  # noqa: E402
from wsclient import LiveClient  # noqa: E402

from rostrum.media.janus_config import janus_settings, write_config  # noqa: E402
from rostrum.media.process import JanusProcess  # noqa: E402

# Away from the default 20000-40000 of other nodes on the machine (they would still cope: a port in
# use is skipped).
RTP_PORT_RANGE = "41000-49000"


def free_port() -> int:
    import socket

    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


class BenchJanus(JanusProcess):
    """A Janus node for one benchmark run: Rostrum's generated configuration, with ``event_loops`` chosen.

    ``event_loops = 0`` is Janus's default threading (a thread per peer connection); Rostrum's
    configuration sets the number of CPUs.
    """

    def __init__(self, folder: Path, event_loops: int | None = None):
        super().__init__(folder, secrets.token_hex(16), free_port())
        self.event_loops = os.cpu_count() or 1 if event_loops is None else event_loops

    def command(self) -> list[str]:
        command = super().command()  # writes Rostrum's configuration; then the benchmark's changes
        settings = janus_settings(self.api_secret, self.port)
        settings = dataclasses.replace(settings, event_loops=self.event_loops, rtp_port_range=RTP_PORT_RANGE)
        write_config(settings, self.folder / "conf")
        return command

    def cpu_seconds(self) -> float:
        return cpu_seconds(self.process.pid)


def janus_version() -> str:
    done = subprocess.run(["dpkg-query", "-W", "-f", "${Version}", "janus"], capture_output=True, text=True)  # noqa: S607
    return done.stdout.strip() or "unknown"


class MachineWindow:
    """The machine's busy and stolen CPU over a window, and its load average at the end."""

    def __init__(self):
        self.busy, self.stolen = machine_seconds()
        self.started = time.monotonic()

    def result(self) -> dict:
        busy, stolen = machine_seconds()
        seconds = time.monotonic() - self.started
        return {
            "seconds": round(seconds, 2),
            "busy_cpus": round((busy - self.busy) / seconds, 3),  # of os.cpu_count() CPUs
            "stolen_cpus": round((stolen - self.stolen) / seconds, 3),
            "loadavg": [round(value, 2) for value in os.getloadavg()],
        }


def summary(values: list[float]) -> dict:
    """p50 / p95 / max of a list of seconds, in milliseconds."""
    if not values:
        return {"count": 0, "p50_ms": None, "p95_ms": None, "max_ms": None}
    return {
        "count": len(values),
        "p50_ms": round(percentile(values, 0.5) * 1000, 1),
        "p95_ms": round(percentile(values, 0.95) * 1000, 1),
        "max_ms": round(max(values) * 1000, 1),
    }


# --- aiortc -----------------------------------------------------------------------------------------


def new_peer():
    from aiortc import RTCConfiguration, RTCPeerConnection

    return RTCPeerConnection(RTCConfiguration(iceServers=[]))  # no public STUN server


def set_video_bitrate(bits_per_second: int) -> None:
    """Pin aiortc's VP8 encoder to one bitrate (CBR): its start value and the bounds that REMB moves within."""
    from aiortc.codecs import vpx

    vpx.DEFAULT_BITRATE = vpx.MIN_BITRATE = vpx.MAX_BITRATE = bits_per_second


def noise_planes(width: int, height: int, count: int, amplitude: int) -> list[list[bytes]]:
    """``count`` pictures of grey with random noise of ±``amplitude``: what the encoder cannot predict
    costs bits, so its constant-bitrate control reaches the target instead of sending a still image."""
    from av import VideoFrame

    low = 128 - amplitude
    table = bytes(low + (value * (2 * amplitude + 1)) // 256 for value in range(256))
    probe = VideoFrame(width, height, "yuv420p")
    sizes = [plane.buffer_size for plane in probe.planes]
    return [[os.urandom(size).translate(table) for size in sizes] for _ in range(count)]


def noise_video_track(width: int = 640, height: int = 480, fps: int = 30, amplitude: int = 24):
    from aiortc import VideoStreamTrack
    from av import VideoFrame

    class NoiseVideo(VideoStreamTrack):
        def __init__(self):
            super().__init__()
            self.bank = noise_planes(width, height, 16, amplitude)
            self.count = -1
            self.origin = None

        async def recv(self):
            self.count += 1
            if self.origin is None:
                self.origin = time.monotonic()
            delay = self.origin + self.count / fps - time.monotonic()
            if delay > 0:
                await asyncio.sleep(delay)
            frame = VideoFrame(width, height, "yuv420p")
            for plane, data in zip(frame.planes, self.bank[self.count % len(self.bank)], strict=True):
                plane.update(data)
            frame.pts, frame.time_base = self.count * 90000 // fps, fractions.Fraction(1, 90000)
            return frame

    return NoiseVideo()


def audio_track(interval: float = 0.02):
    """A microphone of silence: a 20 ms frame every ``interval`` seconds (0.02: a continuous stream)."""
    from aiortc.mediastreams import MediaStreamTrack
    from av import AudioFrame

    class Audio(MediaStreamTrack):
        kind = "audio"

        def __init__(self):
            super().__init__()
            self.count = -1
            self.origin = None

        async def recv(self):
            self.count += 1
            if self.origin is None:
                self.origin = time.monotonic()
            delay = self.origin + self.count * interval - time.monotonic()
            if delay > 0:
                await asyncio.sleep(delay)
            frame = AudioFrame(format="s16", layout="mono", samples=960)
            for plane in frame.planes:
                plane.update(bytes(plane.buffer_size))
            frame.sample_rate = 48000
            frame.pts, frame.time_base = self.count * 960, fractions.Fraction(1, 48000)
            return frame

    return Audio()


_HOOKED = {"drop": None}


def count_received_packets(drop: bool) -> None:
    """Let a receiver's ``bench_sink(kind, payload_bytes, arrived)`` see each RTP packet with a payload
    (after SRTP). With ``drop`` the packet goes no further: no statistics, NACKs or receiver reports,
    no jitter buffer (the P6 load generator's CPU is its limit). Once per process."""
    from aiortc.rtcrtpreceiver import RTCRtpReceiver

    if _HOOKED["drop"] is not None:
        return
    _HOOKED["drop"] = drop
    original = RTCRtpReceiver._handle_rtp_packet

    async def handle(self, packet, arrival_time_ms):
        sink = getattr(self, "bench_sink", None)
        if sink is not None and packet.payload:
            sink(self.track.kind, len(packet.payload), time.perf_counter())
            if drop:
                return
        await original(self, packet, arrival_time_ms)

    RTCRtpReceiver._handle_rtp_packet = handle


def attach_sink(pc, sink, decode: bool = True) -> None:
    """Count ``pc``'s received packets; without ``decode`` the frames that aiortc assembles (RTCP,
    NACKs and the jitter buffer as usual) are thrown away instead of decoded."""
    for transceiver in pc.getTransceivers():
        receiver = transceiver.receiver
        receiver.bench_sink = sink
        if not decode and not getattr(receiver, "bench_no_decode", False):
            frames = receiver._RTCRtpReceiver__decoder_queue  # the decoder thread's input
            put = frames.put
            frames.put = lambda item, *args, _put=put, **kwargs: _put(item) if item is None else None  # None: stop
            receiver.bench_no_decode = True


def description(pc) -> dict:
    return {"type": pc.localDescription.type, "sdp": pc.localDescription.sdp}


def browser_like(pc) -> tuple[dict, list[dict]]:
    """The local description as a browser sends it, and the candidates it would trickle.

    aiortc writes every candidate and three fingerprints (SHA-256, -384, -512) into each m-section:
    about 1.2 KB each, so an answer to forty feeds passes the 40 KiB the live protocol allows
    (``MAX_SDP_BYTES``). A browser writes one SHA-256 fingerprint and trickles its candidates
    (``media.trickle``). The candidates of the first m-section are returned (BUNDLE: one transport).
    """
    lines, candidates, section, mid = [], [], -1, None
    for line in pc.localDescription.sdp.splitlines():
        if line.startswith("m="):
            section += 1
        elif line.startswith("a=mid:"):
            mid = line[len("a=mid:") :] if mid is None else mid
        if line.startswith(("a=fingerprint:sha-384", "a=fingerprint:sha-512", "a=end-of-candidates")):
            continue
        if line.startswith("a=candidate:"):
            if section == 0:
                candidates.append({"candidate": line[2:], "sdpMid": None, "sdpMLineIndex": 0})
            continue
        lines.append(line)
    for candidate in candidates:
        candidate["sdpMid"] = mid
    return {"type": pc.localDescription.type, "sdp": "\r\n".join(lines) + "\r\n"}, candidates


# --- the room's WebSocket ----------------------------------------------------------------------------


class RoomClient(LiveClient):
    """``LiveClient`` that keeps each snapshot (parsed) and hands every other frame, parsed, to ``on_frame``."""

    def __init__(self, url: str, on_frame=None):
        super().__init__(url, self._frame)
        self.snapshot_data: dict | None = None
        self.on_frame = on_frame

    def _text(self, text: str, arrived: float) -> None:
        if text.startswith('{"type":"snapshot"'):
            self.snapshot_data = json.loads(text)
            if self.snapshot.done() and self.on_frame is not None:
                self.on_frame(self.snapshot_data)
        super()._text(text, arrived)

    def _frame(self, client, text: str, arrived: float) -> None:
        if self.on_frame is not None and not text.startswith(('{"type":"snapshot"', '{"type":"tick"')):
            self.on_frame(json.loads(text))

    async def request(self, frame_type: str, data: dict | None = None, timeout: float = 20) -> dict:
        """Send a frame and wait for its ``ack`` data; ``RuntimeError`` with the code on an ``error``."""
        reply = await asyncio.wait_for(self.send(frame_type, data), timeout)
        if reply.get("type") == "error":
            raise RuntimeError(f"{frame_type}: {reply.get('code')} {reply.get('message', '')}")
        return reply.get("data") or {}


async def open_room(port: int, token: str, on_frame=None) -> RoomClient:
    """Open a participant's socket and wait for the snapshot."""
    loop = asyncio.get_running_loop()
    url = f"ws://127.0.0.1:{port}/ws/live/?t={token}"
    _transport, client = await loop.create_connection(lambda: RoomClient(url, on_frame), "127.0.0.1", port)
    await client.opened
    await client.snapshot
    return client


# --- a fresh app server with its own Janus, as the live benchmarks start one --------------------------


class Stack:
    """A Janus node, an app server (``run.Server``: ``scripts/run``'s uvicorn flags, pinned to CPU 0)
    using that node, and a started room made by ``setup_room.py``. Everything stops on exit."""

    def __init__(self, backend, workdir: Path, name: str, room_type: str, attendees: int, event_loops=None):
        self.backend, self.workdir, self.name = backend, workdir, name
        self.room_type, self.attendees, self.event_loops = room_type, attendees, event_loops
        self.janus: BenchJanus | None = None
        self.server = None
        self.tokens: dict = {}

    def __enter__(self) -> "Stack":
        from run import PYTHON, Server

        try:
            self.janus = BenchJanus(self.workdir / f"janus-{self.name}", self.event_loops).start()
            self.backend.env.update(
                {"ROSTRUM_JANUS_URLS": self.janus.url, "ROSTRUM_JANUS_API_SECRET": self.janus.api_secret}
            )
            self.server = Server(self.backend, self.workdir / f"server-{self.name}.log")
            out = self.workdir / f"room-{self.name}.json"
            command = [PYTHON, str(HERE / "setup_room.py"), "--room-type", self.room_type]
            command += ["--attendees", str(self.attendees), "--out", str(out)]
            subprocess.run(command, cwd=ROOT, env=self.backend.env, check=True, stdout=subprocess.DEVNULL)  # noqa: S603
            self.tokens = json.loads(out.read_text())
        except BaseException:
            self.__exit__()
            raise
        return self

    def __exit__(self, *exc) -> None:
        if self.server is not None:
            self.server.stop()
            self.server = None
        if self.janus is not None:
            self.janus.stop()

    @property
    def port(self) -> int:
        return self.server.port

    def cpu(self) -> dict:
        """CPU seconds used so far by Janus and by the app server."""
        return {"janus": cpu_seconds(self.janus.process.pid), "server": cpu_seconds(self.server.process.pid)}


def spawn(script: Path, spec: dict, workdir: Path, name: str) -> subprocess.Popen:
    """A worker process of a benchmark: ``script --worker <spec file>``, its JSON result the last stdout line."""
    path = workdir / f"spec-{name}.json"
    path.write_text(json.dumps(spec))
    log_path = workdir / f"worker-{name}.log"
    with log_path.open("ab") as log:
        process = subprocess.Popen(  # noqa: S603
            [sys.executable, str(script), "--worker", str(path)],
            cwd=ROOT,
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            stderr=log,
            text=True,
        )
    process.log_path = log_path
    return process


def log_tail(process: subprocess.Popen, size: int = 2000) -> str:
    path = getattr(process, "log_path", None)
    return path.read_text(errors="replace")[-size:] if path and path.exists() else ""


def wait_line(process: subprocess.Popen, wanted: str, timeout: float) -> None:
    """Wait (bounded) for a worker to print ``wanted`` on a line of its own."""
    import selectors

    deadline = time.monotonic() + timeout
    with selectors.DefaultSelector() as selector:
        selector.register(process.stdout, selectors.EVENT_READ)
        while time.monotonic() < deadline:
            if not selector.select(timeout=max(0.0, deadline - time.monotonic())):
                break
            line = process.stdout.readline()
            if not line:
                break
            if line.strip() == wanted:
                return
    raise RuntimeError(f"a worker did not say {wanted!r} in {timeout} s:\n{log_tail(process)}")


def finish(process: subprocess.Popen, timeout: float) -> dict:
    """The worker's JSON result (its last stdout line); it is killed if it overruns ``timeout``."""
    try:
        out, _ = process.communicate(timeout=timeout)
    except subprocess.TimeoutExpired:
        process.kill()
        out, _ = process.communicate()
        return {"error": "timed out", "log": log_tail(process)}
    lines = [line for line in out.splitlines() if line.startswith("{")]
    if not lines:
        return {"error": f"no result (exit {process.returncode})", "log": log_tail(process)}
    return json.loads(lines[-1])


def stop_all(processes: list[subprocess.Popen]) -> None:
    for process in processes:
        if process.poll() is None:
            process.kill()
            process.wait()
