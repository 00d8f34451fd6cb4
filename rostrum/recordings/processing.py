"""From a recording's ``.mjr`` files to one MP4 (H.264 + AAC): ``janus-pp-rec``, then ffmpeg.

Steps, each resumable (a retry skips what is done, a crash never leaves a file marked ready):

1. **tracks**: each ``.mjr`` file's header (``janus-pp-rec -j``): audio or video, codec, the wall
   clock of its first packet; whose feed it is from the file name Janus gave it
   (``videoroom-<room>-user-<feed>-…``), a camera or a screen from the feed number.
2. **extract**: ``janus-pp-rec`` each into ``.opus`` / ``.webm`` (VP8/VP9) / ``.mkv`` (H.264): a copy
   of the packets, no decoding.
3. **compose**: one ffmpeg run (``rostrum.recordings.composition``; where cameras go:
   ``rostrum.recordings.layout``). Video: every camera in a grid, or as thumbnails beside the shared
   content (screen shares, slides, whiteboards, shared videos) while something is shared, each
   placed at its offset from the first packet of the recording. Audio: every audio track delayed
   to its offset, mixed. A lone H.264 camera with nothing else is copied, not encoded (remux).

Output goes to a temporary file; the caller moves it into storage and marks it ready.
"""

import json
import re
import subprocess
from dataclasses import dataclass
from pathlib import Path

from rostrum.media.constants import FEED_KIND_NUMBER, FeedKind

FEED_IN_NAME = re.compile(r"-user-(\d+)-")
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


def stream_kinds(path: Path) -> set[str]:
    """The kinds of stream in a media file (``video``, ``audio``)."""
    out = run(["ffprobe", "-v", "error", "-show_entries", "stream=codec_type", "-of", "csv=p=0", str(path)], 120)
    return {line.strip() for line in out.splitlines() if line.strip()}


def total_duration(tracks: list[Track], origin_us: int) -> float:
    return max((t.offset(origin_us) + t.duration_seconds for t in tracks), default=0.0)


def compose_command(tracks: list[Track], output: Path, overlays: list = ()) -> list[str]:
    """The ffmpeg command making the MP4 (``rostrum.recordings.composition``)."""
    from rostrum.recordings.composition import compose_command as build

    return build(tracks, output, overlays)


def compose(tracks: list[Track], output: Path, overlays: list = ()) -> None:
    """``overlays``: the timeline's stills and clips (``composition.Overlay`` / ``composition.Clip``)."""
    run(compose_command(tracks, output, overlays), FFMPEG_SECONDS)
    if not output.exists() or output.stat().st_size == 0:
        raise ProcessingError("ffmpeg wrote no file")
