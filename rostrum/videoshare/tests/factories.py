"""Converted videos for tests: a real H.264/AAC MP4 (ffmpeg testsrc), stored as the conversion leaves it."""

import functools
import secrets
import shutil
import subprocess
import tempfile
from pathlib import Path

from django.core.files.base import ContentFile

from rostrum.library.tests.factories import make_library_file


@functools.cache
def sample_video_bytes(seconds: int = 10) -> bytes:
    """An MP4 like the library's conversion makes (H.264 + AAC, faststart); made once per process."""
    with tempfile.TemporaryDirectory() as folder:
        target = Path(folder) / "clip.mp4"
        command = [shutil.which("ffmpeg") or "/usr/bin/ffmpeg", "-nostdin", "-loglevel", "error", "-y"]
        command += ["-f", "lavfi", "-i", f"testsrc=size=320x240:rate=25:duration={seconds}"]
        command += ["-f", "lavfi", "-i", f"sine=frequency=440:duration={seconds}"]
        command += ["-c:v", "libx264", "-preset", "ultrafast", "-pix_fmt", "yuv420p", "-g", "25"]
        command += ["-c:a", "aac", "-b:a", "64k", "-movflags", "+faststart", "-shortest", str(target)]
        subprocess.run(command, check=True, timeout=120)  # noqa: S603 — ffmpeg with arguments written here
        return target.read_bytes()


def make_shareable_video(membership, *, name: str = "Product tour.mp4", seconds: int = 10, **fields):
    """A converted video of the account: the upload's bytes and the converted MP4 both stored."""
    mp4 = sample_video_bytes(seconds)
    library_file = make_library_file(
        membership,
        name=name,
        content=mp4,
        mime_type="video/mp4",
        kind="video",
        document_type="video",
        **{"status": "converted", **fields},
    )
    key = f"library/{membership.account_id}/converted-{secrets.token_hex(8)}.mp4"
    library_file.converted.save(key, ContentFile(mp4), save=False)
    library_file.converted_size = len(mp4)
    library_file.save(update_fields=["converted", "converted_size"])
    return library_file
