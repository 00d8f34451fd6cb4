"""How long conversions take: a 50-slide PPTX → PDF → page images, and a ~200 MB video → MP4.

Runs the real pipelines (``rostrum.library.converters``) in the real sandbox (network namespace,
resource limits, throw-away working directory), as the task worker does, without the database.
The PPTX is made by LibreOffice from generated flat OpenDocument; the video is ffmpeg's ``testsrc2``
at 1080p25 with a tone, ~8 Mbit/s H.264 in Matroska (cached in /tmp: making it takes minutes).
Prints the median of 3 runs for the presentation, one run for the video and its speed vs real time.

    .venv/bin/python benchmarks/conversions.py [--slides 50] [--video-seconds 200] [--runs 3]
"""

import argparse
import os
import statistics
import subprocess
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "rostrum.settings")


def make_video(path: Path, seconds: int) -> None:
    if path.exists():
        return
    partial = path.with_suffix(".partial.mkv")
    command = [
        "ffmpeg",
        "-loglevel",
        "error",
        "-y",
        "-f",
        "lavfi",
        "-i",
        f"testsrc2=size=1920x1080:rate=25:d={seconds}",
    ]
    command += ["-f", "lavfi", "-i", f"sine=frequency=440:duration={seconds}", "-c:v", "libx264", "-preset"]
    command += ["ultrafast", "-b:v", "8M", "-maxrate", "8M", "-bufsize", "16M", "-c:a", "libmp3lame", str(partial)]
    subprocess.run(command, check=True)  # noqa: S603
    partial.rename(path)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--slides", type=int, default=50)
    parser.add_argument("--video-seconds", type=int, default=200)
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--skip-video", action="store_true")
    arguments = parser.parse_args()

    import django

    django.setup()
    from django.conf import settings

    from rostrum.library import converters
    from rostrum.library.sandbox import working_directory
    from rostrum.library.tests.documents import pptx_bytes

    pptx = pptx_bytes(arguments.slides)
    print(f"PPTX: {arguments.slides} slides, {len(pptx) / 1024:.0f} KiB")
    times, page_bytes = [], 0
    for _ in range(arguments.runs):
        with working_directory() as workdir:
            source = workdir / "in" / "document.pptx"
            source.write_bytes(pptx)
            progress: list[int] = []
            started = time.monotonic()
            run = converters.Run(workdir, settings.LIBRARY_CONVERSION_SECONDS, progress.append)
            outputs = converters.convert_document(
                source, "application/vnd.openxmlformats-officedocument.presentationml.presentation", run
            )
            times.append(time.monotonic() - started)
            assert len(outputs.pages) == arguments.slides and progress[-1] == 100
            page_bytes = sum(page.path.stat().st_size for page in outputs.pages)
    print(
        f"PPTX → PDF → {arguments.slides} JPEG pages (1600 px): median {statistics.median(times):.2f} s "
        f"of {arguments.runs} ({', '.join(f'{t:.2f}' for t in times)}); pages {page_bytes / 1024:.0f} KiB in all"
    )

    if arguments.skip_video:
        return
    video = Path(f"/tmp/rostrum-benchmark-{arguments.video_seconds}s-1080p.mkv")  # noqa: S108 — a cache
    started = time.monotonic()
    make_video(video, arguments.video_seconds)
    if time.monotonic() - started > 1:
        print(f"(made the source video in {time.monotonic() - started:.0f} s)")
    size = video.stat().st_size
    with working_directory() as workdir:
        source = workdir / "in" / "document.mkv"
        os.link(video, source) if video.stat().st_dev == workdir.stat().st_dev else source.write_bytes(
            video.read_bytes()
        )
        progress = []
        run = converters.Run(workdir, settings.LIBRARY_VIDEO_CONVERSION_SECONDS, progress.append)
        started = time.monotonic()
        outputs = converters.convert_video(source, run)
        elapsed = time.monotonic() - started
        out_size = outputs.converted.stat().st_size
    print(
        f"Video {size / 1e6:.0f} MB, {arguments.video_seconds} s 1080p25 H.264+MP3 in MKV → H.264/AAC MP4 "
        f"(veryfast, CRF 23): {elapsed:.1f} s = {arguments.video_seconds / elapsed:.2f}× real time; "
        f"MP4 {out_size / 1e6:.0f} MB; {len(progress)} progress updates; {os.cpu_count()} CPUs"
    )


if __name__ == "__main__":
    main()
