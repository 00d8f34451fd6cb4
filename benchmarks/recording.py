"""Recording post-processing speed, as a multiple of real time, for a 10-minute two-speaker session
with a screen share.

Inputs are what ``janus-pp-rec`` makes from .mjr files, generated with ffmpeg (recording 10 real
minutes through Janus would take 10 minutes): two VP8 cameras at 640x480@25 (~600 kbit/s; the
second speaker joins at 1:00), one VP8 screen at 1280x720@10 (from 3:20 to 8:20), two Opus voices.
Cached in /tmp (making them takes a few minutes). Then, timed:

- **remux path**: one H.264 camera + its voice → MP4 (video copied, audio to AAC), and the same
  camera as VP8 → WebM (``-c copy``, what ``janus-pp-rec``'s output already is);
- **composite path**: the full composition as ``rostrum.recordings.processing.compose`` runs it
  (camera, screen laid over it for its window, both voices mixed; libx264 veryfast 1280x720@25);
- **janus-pp-rec**: with ``--mjr DIR``, each .mjr file of a real recording (e.g. one kept by
  ``ROSTRUM_RECORDINGS_KEEP_SOURCES``) is converted and the speed scaled per media second.

    .venv/bin/python benchmarks/recording.py [--minutes 10] [--mjr DIR]
"""

import argparse
import os
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "rostrum.settings")

FFMPEG = shutil.which("ffmpeg") or "/usr/bin/ffmpeg"
PP_REC = shutil.which("janus-pp-rec") or "/usr/bin/janus-pp-rec"
CACHE = Path(tempfile.gettempdir()) / "rostrum-recording-bench"


def ffmpeg(*args: str) -> None:
    subprocess.run([FFMPEG, "-loglevel", "error", "-y", *args], check=True)  # noqa: S603


def vp8(path: Path, seconds: float, size: str, rate: int, source: str, bitrate: str) -> Path:
    if not path.exists():
        partial = path.with_name("partial-" + path.name)
        ffmpeg("-f", "lavfi", "-i", f"{source}=size={size}:rate={rate}:d={seconds}", "-c:v", "libvpx",
               "-deadline", "realtime", "-cpu-used", "8", "-b:v", bitrate, str(partial))  # fmt: skip
        partial.rename(path)
    return path


def h264(path: Path, seconds: float) -> Path:
    if not path.exists():
        partial = path.with_name("partial-" + path.name)
        ffmpeg("-f", "lavfi", "-i", f"testsrc2=size=640x480:rate=25:d={seconds}", "-c:v", "libx264",
               "-preset", "veryfast", "-b:v", "600k", "-g", "50", str(partial))  # fmt: skip
        partial.rename(path)
    return path


def opus(path: Path, seconds: float, frequency: int) -> Path:
    if not path.exists():
        partial = path.with_name("partial-" + path.name)
        ffmpeg("-f", "lavfi", "-i", f"sine=f={frequency}:d={seconds}:r=48000", "-c:a", "libopus", "-b:a", "32k",
               str(partial))  # fmt: skip
        partial.rename(path)
    return path


def timed(function) -> float:
    started = time.perf_counter()
    function()
    return time.perf_counter() - started


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--minutes", type=float, default=10)
    parser.add_argument("--mjr", type=Path, default=None)
    options = parser.parse_args()
    seconds = options.minutes * 60
    folder = CACHE / f"{options.minutes:g}min"
    folder.mkdir(parents=True, exist_ok=True)

    from rostrum.recordings.processing import Track, compose, media_duration

    print(f"making inputs in {folder} (cached)…", flush=True)
    cam1 = vp8(folder / "cam1.webm", seconds, "640x480", 25, "testsrc2", "600k")
    cam2 = vp8(folder / "cam2.webm", seconds - 60, "640x480", 25, "testsrc", "600k")
    screen = vp8(folder / "screen.webm", min(300, seconds / 2), "1280x720", 10, "smptehdbars", "400k")
    voice1, voice2 = opus(folder / "a1.opus", seconds, 440), opus(folder / "a2.opus", seconds - 60, 660)
    cam_h264 = h264(folder / "cam1-h264.mkv", seconds)

    def track(path, feed, kind, codec, start_s):
        return Track(str(path), feed, kind, codec, int(start_s * 1e6), str(path), media_duration(path))

    out = Path(tempfile.mkdtemp(prefix="rostrum-rec-"))
    results = []

    remux = [track(cam_h264, 5, "video", "h264", 0), track(voice1, 5, "audio", "opus", 0)]
    elapsed = timed(lambda: compose(remux, out / "remux.mp4"))
    results.append(("remux: H.264 camera copied + Opus→AAC → MP4", elapsed))
    elapsed = timed(lambda: ffmpeg("-i", str(cam1), "-i", str(voice1), "-c", "copy", str(out / "copy.webm")))
    results.append(("remux: VP8 camera + Opus → WebM (copy)", elapsed))

    composite = [
        track(cam1, 5, "video", "vp8", 0),
        track(cam2, 9, "video", "vp8", 60),
        track(screen, 6, "screen", "vp8", seconds / 3),
        track(voice1, 5, "audio", "opus", 0),
        track(voice2, 9, "audio", "opus", 60),
    ]
    elapsed = timed(lambda: compose(composite, out / "composite.mp4"))
    results.append(("composite: camera + screen window + 2 voices → H.264/AAC 1280x720", elapsed))

    print(f"\nsession: {seconds / 60:g} min, {os.cpu_count()} CPUs")
    for name, elapsed in results:
        print(f"{name:70} {elapsed:7.1f} s  {seconds / elapsed:7.1f}× real time")

    if options.mjr:
        media = 0.0
        spent = 0.0
        for path in sorted(options.mjr.glob("*.mjr")):
            target = out / (path.stem + (".opus" if "audio" in path.name else ".webm"))
            spent += timed(lambda p=path, t=target: subprocess.run(  # noqa: S603
                [PP_REC, "-d", "0", str(p), str(t)], check=True, capture_output=True))  # fmt: skip
            media += media_duration(target)
        if spent:
            print(f"{'janus-pp-rec over ' + str(options.mjr):70} {spent:7.2f} s  {media / spent:7.1f}× real time")
    print(f"\noutputs in {out}")


if __name__ == "__main__":
    main()
