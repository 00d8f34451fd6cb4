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


def region_colour(
    path: Path, at: float, centre_x: int, centre_y: int, size: int = 32, height: int = 0
) -> tuple[float, float, float]:
    """The mean R, G, B at ``at`` s of the ``size`` x ``size`` square (``size`` x ``height``
    rectangle) around (``centre_x``, ``centre_y``)."""
    height = height or size
    crop = f"crop={size}:{height}:{centre_x - size // 2}:{centre_y - height // 2}"
    raw = subprocess.run(  # noqa: S603
        [FFMPEG, "-loglevel", "error", "-ss", str(at), "-i", str(path), "-frames:v", "1",
         "-vf", crop, "-f", "rawvideo", "-pix_fmt", "rgb24", "-"],
        check=True, capture_output=True,
    ).stdout  # fmt: skip
    pixels = len(raw) // 3
    return tuple(sum(raw[i::3]) / pixels for i in range(3))


def make_clip(path: Path, seconds: float, frequency: int = 1000) -> Path:
    """A library video: green for the first half, magenta after, with a tone."""
    subprocess.run(  # noqa: S603
        [FFMPEG, "-y", "-loglevel", "error", "-f", "lavfi", "-i", f"color=c=green:s=320x240:r=25:d={seconds}",
         "-f", "lavfi", "-i", f"sine=f={frequency}:d={seconds}:r=48000",
         "-vf", f"drawbox=c=magenta:t=fill:enable='gte(t,{seconds / 2})'", "-c:v", "libx264", "-preset", "ultrafast",
         "-pix_fmt", "yuv420p", "-c:a", "aac", "-shortest", str(path)],
        check=True,
    )  # fmt: skip
    return path


def mean_volume(path: Path, start: float, seconds: float) -> float:
    """The mean volume (dB) of the audio from ``start`` for ``seconds``."""
    out = subprocess.run(  # noqa: S603
        [FFMPEG, "-hide_banner", "-nostats", "-ss", str(start), "-t", str(seconds), "-i", str(path), "-vn",
         "-af", "volumedetect", "-f", "null", "-"],
        check=True, capture_output=True, text=True,
    ).stderr  # fmt: skip
    for line in out.splitlines():
        if "mean_volume:" in line:
            return float(line.split("mean_volume:")[1].split("dB")[0])
    return -91.0
