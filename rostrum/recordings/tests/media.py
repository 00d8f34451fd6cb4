"""Synthetic media for recording tests: what ``janus-pp-rec`` would have made from .mjr files."""

import shutil
import subprocess
from pathlib import Path

from rostrum.recordings.processing import Track

FFMPEG = shutil.which("ffmpeg") or "/usr/bin/ffmpeg"
CODEC_OPTIONS = {"libvpx": ["-b:v", "300k"], "libx264": ["-preset", "ultrafast"]}


def make_video(path: Path, seconds: float, colour: str = "red", size: str = "320x240", codec: str = "libvpx") -> Path:
    subprocess.run(  # noqa: S603
        [FFMPEG, "-y", "-loglevel", "error", "-f", "lavfi", "-i", f"color=c={colour}:s={size}:r=25:d={seconds}",
         "-c:v", codec, *CODEC_OPTIONS.get(codec, []), *(["-frames:v", "1"] if codec == "png" else []), str(path)],
        check=True,
    )  # fmt: skip
    return path


def make_audio(path: Path, seconds: float, frequency: int = 440) -> Path:
    subprocess.run(  # noqa: S603
        [FFMPEG, "-y", "-loglevel", "error", "-f", "lavfi", "-i", f"sine=f={frequency}:d={seconds}:r=48000",
         "-c:a", "libopus", str(path)],
        check=True,
    )  # fmt: skip
    return path


def frame_colour(path: Path, at: float) -> tuple[float, float, float]:
    """The mean R, G, B of the frame at ``at`` seconds (the middle 64x64 pixels)."""
    raw = subprocess.run(  # noqa: S603
        [FFMPEG, "-loglevel", "error", "-ss", str(at), "-i", str(path), "-frames:v", "1",
         "-vf", "crop=64:64:(iw-64)/2:(ih-64)/2", "-f", "rawvideo", "-pix_fmt", "rgb24", "-"],
        check=True, capture_output=True,
    ).stdout  # fmt: skip
    pixels = len(raw) // 3
    return tuple(sum(raw[i::3]) / pixels for i in range(3))


def track(path: Path, feed_id: int, kind: str, codec: str, start_us: int) -> Track:
    from rostrum.recordings.processing import media_duration

    return Track(str(path), feed_id, kind, codec, start_us, output=str(path), duration_seconds=media_duration(path))
