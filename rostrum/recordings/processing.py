"""From a recording's ``.mjr`` files to one MP4 (H.264 + AAC): ``janus-pp-rec``, then ffmpeg.

Steps, each resumable (a retry skips what is done, a crash never leaves a file marked ready):

1. **tracks**: each ``.mjr`` file's header (``janus-pp-rec -j``): audio or video, codec, the wall
   clock of its first packet; whose feed it is from the file name Janus gave it
   (``videoroom-<room>-user-<feed>-…``), a camera or a screen from the feed number.
2. **extract**: ``janus-pp-rec`` each into ``.opus`` / ``.webm`` (VP8/VP9) / ``.mkv`` (H.264): a copy
   of the packets, no decoding.
3. **compose**: one ffmpeg run. Video: the main camera (the camera that was on longest), with a
   screen share laid over the whole picture while it lasts, each placed at its offset from the
   first packet of the recording. Audio: every audio track delayed to its offset, mixed.
   A lone H.264 camera without screen is copied, not encoded (the remux path).

Output goes to a temporary file; the caller moves it into storage and marks it ready.
"""

import json
import re
import subprocess
from dataclasses import dataclass
from pathlib import Path

from rostrum.media.constants import FEED_KIND_NUMBER, FeedKind

FEED_IN_NAME = re.compile(r"-user-(\d+)-")
WIDTH, HEIGHT, FPS = 1280, 720, 25
PP_REC_SECONDS = 600
FFMPEG_SECONDS = 6 * 3600


class ProcessingError(Exception):
    pass


@dataclass
class Track:
    source: str
    feed_id: int
    kind: str  # audio, video, screen
    codec: str
    first_timestamp_us: int
    output: str = ""
    duration_seconds: float = 0.0

    def offset(self, origin_us: int) -> float:
        return max(self.first_timestamp_us - origin_us, 0) / 1_000_000


def run(command: list[str], timeout: int) -> str:
    try:
        result = subprocess.run(command, capture_output=True, text=True, timeout=timeout, check=False)  # noqa: S603
    except subprocess.TimeoutExpired:
        raise ProcessingError(f"{Path(command[0]).name} took longer than {timeout} s") from None
    if result.returncode != 0:
        raise ProcessingError(f"{Path(command[0]).name} failed ({result.returncode}): {result.stderr[-800:]}")
    return result.stdout


def mjr_header(path: Path) -> dict:
    """The ``.mjr`` header: ``t`` (a/v), ``c`` (codec), ``s`` (created, µs), ``u`` (first packet, µs)."""
    out = run(["janus-pp-rec", "-j", "-d", "0", str(path)], 60)
    start = out.find("{")
    if start < 0:
        raise ProcessingError(f"no header in {path.name}")
    return json.loads(out[start : out.rfind("}") + 1])


def feed_kind(feed_id: int) -> str:
    return FeedKind.SCREEN if feed_id % 4 == FEED_KIND_NUMBER[FeedKind.SCREEN] else FeedKind.CAMERA


def read_track(path: Path) -> Track | None:
    match = FEED_IN_NAME.search(path.name)
    if match is None or path.stat().st_size == 0:
        return None
    header = mjr_header(path)
    feed_id = int(match.group(1))
    if header.get("t") == "a":
        kind = "audio"
    elif header.get("t") == "v":
        kind = "screen" if feed_kind(feed_id) == FeedKind.SCREEN else "video"
    else:
        return None  # data channels
    first = int(header.get("u") or header.get("s") or 0)
    return Track(str(path), feed_id, kind, str(header.get("c", "")).lower(), first)


def extension_for(track: Track) -> str:
    if track.kind == "audio":
        return ".opus"
    return ".mkv" if track.codec == "h264" else ".webm"


def extract(track: Track, work_dir: Path) -> None:
    """``janus-pp-rec`` the track unless a previous attempt did (its output is then complete: it
    is written under a temporary name and renamed)."""
    output = work_dir / (Path(track.source).stem + extension_for(track))
    if not output.exists():
        partial = output.with_name("partial-" + output.name)
        run(["janus-pp-rec", "-d", "1", track.source, str(partial)], PP_REC_SECONDS)
        if not partial.exists() or partial.stat().st_size == 0:
            raise ProcessingError(f"janus-pp-rec wrote nothing from {Path(track.source).name}")
        partial.rename(output)
    track.output = str(output)
    track.duration_seconds = media_duration(output)


def media_duration(path: Path) -> float:
    out = run(
        ["ffprobe", "-v", "error", "-show_entries", "format=duration", "-of", "default=nw=1:nk=1", str(path)], 120
    )
    try:
        return float(out.strip())
    except ValueError:
        return 0.0


def main_camera(tracks: list[Track]) -> Track | None:
    cameras = [t for t in tracks if t.kind == "video"]
    return max(cameras, key=lambda t: t.duration_seconds, default=None)


@dataclass(frozen=True)
class Overlay:
    """A still image (a slide) shown from ``start`` to ``end`` seconds of the recording."""

    image: str
    start: float
    end: float


def total_duration(tracks: list[Track], origin_us: int) -> float:
    return max((t.offset(origin_us) + t.duration_seconds for t in tracks), default=0.0)


def compose_command(tracks: list[Track], output: Path, overlays: list[Overlay] = ()) -> list[str]:
    """The ffmpeg command making the MP4 from the extracted tracks (see the module's docstring)."""
    origin = min(t.first_timestamp_us for t in tracks)
    duration = total_duration(tracks, origin)
    camera = main_camera(tracks)
    screens = [t for t in tracks if t.kind == "screen"]
    audios = [t for t in tracks if t.kind == "audio"]
    command = ["ffmpeg", "-y", "-hide_banner", "-loglevel", "error", "-nostdin"]
    inputs: list[str] = []

    count = 0

    def add_input(path: str, *options: str) -> int:
        nonlocal count
        inputs.extend([*options, "-i", path])
        count += 1
        return count - 1

    filters: list[str] = []
    remux = camera is not None and camera.codec == "h264" and not screens and not overlays
    video_map = None
    if remux:
        index = add_input(camera.output)
        video_map = f"{index}:v"
    elif camera is not None or screens or overlays:
        filters.append(f"color=c=black:s={WIDTH}x{HEIGHT}:r={FPS}:d={duration:.3f}[base0]")
        layer = "base0"
        layers = ([camera] if camera else []) + screens
        for number, track in enumerate(layers):
            index = add_input(track.output)
            offset = track.offset(origin)
            filters.append(
                f"[{index}:v]setpts=PTS-STARTPTS+{offset:.3f}/TB,"
                f"scale={WIDTH}:{HEIGHT}:force_original_aspect_ratio=decrease,"
                f"pad={WIDTH}:{HEIGHT}:(ow-iw)/2:(oh-ih)/2,format=yuv420p[v{number}]"
            )
            filters.append(f"[{layer}][v{number}]overlay=eof_action=pass:repeatlast=0[base{number + 1}]")
            layer = f"base{number + 1}"
        for number, overlay in enumerate(overlays):
            index = add_input(overlay.image, "-loop", "1", "-t", f"{duration:.3f}")
            filters.append(
                f"[{index}:v]scale={WIDTH}:{HEIGHT}:force_original_aspect_ratio=decrease,"
                f"pad={WIDTH}:{HEIGHT}:(ow-iw)/2:(oh-ih)/2,format=yuv420p[s{number}]"
            )
            enable = f"between(t,{overlay.start:.3f},{overlay.end:.3f})"
            filters.append(f"[{layer}][s{number}]overlay=enable='{enable}'[slide{number}]")
            layer = f"slide{number}"
        video_map = f"[{layer}]"
    audio_map = None
    if audios:
        labels = []
        for number, track in enumerate(audios):
            index = add_input(track.output)
            delay = int(track.offset(origin) * 1000)
            filters.append(f"[{index}:a]aresample=48000,adelay={delay}:all=1[a{number}]")
            labels.append(f"[a{number}]")
        if len(labels) == 1:
            filters.append(f"{labels[0]}apad,atrim=0:{duration:.3f}[aout]")
        else:
            filters.append(
                f"{''.join(labels)}amix=inputs={len(labels)}:duration=longest:normalize=0,atrim=0:{duration:.3f}[aout]"
            )
        audio_map = "[aout]"
    if video_map is None and audio_map is None:
        raise ProcessingError("nothing was recorded: no audio or video track")
    command += inputs
    if filters:
        command += ["-filter_complex", ";".join(filters)]
    if video_map:
        command += ["-map", video_map]
        if remux:
            command += ["-c:v", "copy"]
        else:
            command += ["-c:v", "libx264", "-preset", "veryfast", "-crf", "26", "-pix_fmt", "yuv420p", "-r", str(FPS)]
    if audio_map:
        command += ["-map", audio_map, "-c:a", "aac", "-b:a", "128k"]
    command += ["-t", f"{duration:.3f}", "-movflags", "+faststart", "-f", "mp4", str(output)]
    return command


def compose(tracks: list[Track], output: Path, overlays: list[Overlay] = ()) -> None:
    run(compose_command(tracks, output, overlays), FFMPEG_SECONDS)
    if not output.exists() or output.stat().st_size == 0:
        raise ProcessingError("ffmpeg wrote no file")
