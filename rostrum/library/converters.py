"""The conversion pipelines, each tool boxed in by ``sandbox.run_tool``; pure work in a working directory.

Office file → PDF (LibreOffice headless) → one JPEG per page (poppler's ``pdftoppm``), a PDF straight
to pages; video → H.264/AAC MP4 (ffmpeg). Nothing here touches the database: progress goes to a
callback, refusals are ``ConversionFailed`` with a message for people, and the caller stores the outputs.
"""

import json
import os
import re
import time
import zipfile
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from django.conf import settings
from django.template.defaultfilters import filesizeformat
from django.utils.translation import gettext as _
from PIL import Image

from rostrum.library.sandbox import Limits, ToolTimedOut, run_tool

Progress = Callable[[int], None]

OFFICE_TO_PDF_SHARE = 40  # percent of the progress bar for LibreOffice; pages take the rest
ZIP_TYPES = ("application/vnd.openxmlformats-officedocument.", "application/vnd.oasis.opendocument.")
PAGE_SIZE = re.compile(r"^Page\s+(\d+)\s+size:\s+([\d.]+) x ([\d.]+) pts", re.MULTILINE)
PAGE_ROTATION = re.compile(r"^Page\s+(\d+)\s+rot:\s+(\d+)", re.MULTILINE)
# LibreOffice's profile for conversions: no macros, no fetching of linked content (the network
# namespace stops it anyway; this keeps LibreOffice from waiting on it).
LIBREOFFICE_SETTINGS = (
    ("Security/Scripting", "MacroSecurityLevel", "3"),
    ("Security/Scripting", "DisableMacrosExecution", "true"),
    ("Security/Scripting", "BlockUntrustedRefererLinks", "true"),
)
LIBREOFFICE_PROFILE = (
    '<?xml version="1.0" encoding="UTF-8"?>\n<oor:items xmlns:oor="http://openoffice.org/2001/registry">\n'
    + "".join(
        f'<item oor:path="/org.openoffice.Office.Common/{path}"><prop oor:name="{name}" oor:op="fuse">'
        f"<value>{value}</value></prop></item>\n"
        for path, name, value in LIBREOFFICE_SETTINGS
    )
    + "</oor:items>\n"
)


class ConversionFailed(Exception):
    """The file cannot be converted; ``reason`` (for people) completes “… could not be converted: ”."""

    def __init__(self, code: str, reason: str):
        super().__init__(code, reason)
        self.code, self.reason = code, reason


@dataclass
class PageImage:
    number: int
    path: Path
    width: int
    height: int


@dataclass
class Outputs:
    converted: Path | None = None  # the PDF of an office file, the MP4 of a video
    pages: list[PageImage] = field(default_factory=list)


def tool(name: str) -> str:
    return settings.LIBRARY_CONVERSION_TOOLS[name]


def limits(seconds: float) -> Limits:
    return Limits(
        seconds=seconds,
        memory_bytes=settings.LIBRARY_CONVERSION_MEMORY_BYTES,
        output_bytes=settings.LIBRARY_CONVERSION_OUTPUT_BYTES,
    )


class Run:
    """One conversion's deadline and working directory, shared by the tools it runs."""

    def __init__(self, workdir: Path, seconds: float, progress: Progress):
        self.workdir, self.seconds, self.progress = workdir, seconds, progress
        self.deadline = time.monotonic() + seconds

    def tool(self, command: list[str], on_line=None):
        try:
            return run_tool(
                command, workdir=self.workdir, limits=limits(self.seconds), deadline=self.deadline, on_line=on_line
            )
        except ToolTimedOut:
            raise ConversionFailed(
                "timeout", _("it took longer than %(seconds)d seconds.") % {"seconds": self.seconds}
            ) from None


# --- documents ------------------------------------------------------------------------------------


def check_zip_container(path: Path) -> None:
    """Refuse a ZIP bomb from the archive's directory, before LibreOffice inflates anything."""
    try:
        with zipfile.ZipFile(path) as archive:
            entries = archive.infolist()
    except (zipfile.BadZipFile, OSError, EOFError):
        raise ConversionFailed("damaged", _("it is damaged or protected by a password.")) from None
    uncompressed = sum(entry.file_size for entry in entries)
    compressed = sum(entry.compress_size for entry in entries) or 1
    if uncompressed > settings.LIBRARY_ZIP_MAX_UNCOMPRESSED_BYTES:
        maximum = filesizeformat(settings.LIBRARY_ZIP_MAX_UNCOMPRESSED_BYTES)
        raise ConversionFailed("too_large_unpacked", _("it unpacks to more than %(maximum)s.") % {"maximum": maximum})
    # A real deck of XML compresses 5-20 times; a ratio far above that is built to exhaust memory.
    if uncompressed > 1024 * 1024 and uncompressed / compressed > settings.LIBRARY_ZIP_MAX_RATIO:
        raise ConversionFailed("zip_bomb", _("it is compressed suspiciously much (it looks like a “zip bomb”)."))


def convert_document(source: Path, mime_type: str, run: Run) -> Outputs:
    """An office file or a PDF to a PDF and page images."""
    if mime_type == "application/pdf":
        return Outputs(converted=None, pages=render_pages(source, run, start=0))
    if mime_type.startswith(ZIP_TYPES):
        check_zip_container(source)
    run.progress(2)
    pdf = office_to_pdf(source, run)
    run.progress(OFFICE_TO_PDF_SHARE)
    return Outputs(converted=pdf, pages=render_pages(pdf, run, start=OFFICE_TO_PDF_SHARE))


def office_to_pdf(source: Path, run: Run) -> Path:
    """``source`` is named ``document.<extension>`` (LibreOffice picks its filter by it, too)."""
    profile = run.workdir / "profile"
    (profile / "user").mkdir(parents=True)
    (profile / "user" / "registrymodifications.xcu").write_text(LIBREOFFICE_PROFILE)
    command = [
        tool("soffice"),
        "--headless",
        "--invisible",
        "--norestore",
        "--nolockcheck",
        "--nodefault",
        "--nologo",
        f"-env:UserInstallation={profile.as_uri()}",
        "--convert-to",
        "pdf",
        "--outdir",
        str(run.workdir / "out"),
        str(source),
    ]
    result = run.tool(command)
    pdf = run.workdir / "out" / f"{source.stem}.pdf"
    if result.returncode != 0 or not pdf.exists() or pdf.stat().st_size == 0:
        raise ConversionFailed("damaged", _("it is damaged or protected by a password."))
    return pdf


def read_pdf_pages(pdf: Path, run: Run) -> list[tuple[float, float]]:
    """Each page's (width, height) in points as shown (rotation applied), through a boxed ``pdfinfo``."""
    info = run.tool([tool("pdfinfo"), str(pdf)])
    match = re.search(r"^Pages:\s+(\d+)", info.output, re.MULTILINE)
    if info.returncode != 0 or match is None:
        raise ConversionFailed("damaged", _("it is damaged or protected by a password."))
    count = int(match.group(1))
    maximum = settings.LIBRARY_CONVERSION_MAX_PAGES
    if count > maximum:
        raise ConversionFailed("too_many_pages", _("it has more than %(maximum)d pages.") % {"maximum": maximum})
    if count == 0:
        raise ConversionFailed("no_pages", _("it has no pages."))
    info = run.tool([tool("pdfinfo"), "-f", "1", "-l", str(count), str(pdf)])
    sizes = {int(n): (float(w), float(h)) for n, w, h in PAGE_SIZE.findall(info.output)}
    rotations = {int(n): int(r) for n, r in PAGE_ROTATION.findall(info.output)}
    if len(sizes) != count:
        raise ConversionFailed("damaged", _("it is damaged or protected by a password."))
    pages = []
    for number in range(1, count + 1):
        width, height = sizes[number]
        pages.append((height, width) if rotations.get(number, 0) % 180 == 90 else (width, height))
    return pages


def render_pages(pdf: Path, run: Run, start: int) -> list[PageImage]:
    """One JPEG per page, ``LIBRARY_PAGE_WIDTH`` wide; progress runs from ``start`` to 100 page by page."""
    sizes = read_pdf_pages(pdf, run)
    target_width = settings.LIBRARY_PAGE_WIDTH
    for width, height in sizes:
        if (
            width <= 0
            or height <= 0
            or target_width * (target_width * height / width) > settings.LIBRARY_PAGE_MAX_PIXELS
        ):
            raise ConversionFailed("page_too_large", _("its pages are too large to show."))
    pages = []
    for number in range(1, len(sizes) + 1):
        prefix = run.workdir / "out" / f"page-{number}"
        command = [
            tool("pdftoppm"),
            "-f",
            str(number),
            "-l",
            str(number),
            "-singlefile",
            "-scale-to-x",
            str(target_width),
            "-scale-to-y",
            "-1",
            "-jpeg",
            "-jpegopt",
            "quality=85,optimize=y",
            str(pdf),
            str(prefix),
        ]
        result = run.tool(command)
        image_path = prefix.with_suffix(".jpg")
        if result.returncode != 0 or not image_path.exists():
            raise ConversionFailed("damaged", _("it is damaged or protected by a password."))
        with Image.open(image_path) as image:  # reads the header only
            width, height = image.size
        pages.append(PageImage(number, image_path, width, height))
        run.progress(start + (100 - start) * number // len(sizes))
    return pages


# --- video ----------------------------------------------------------------------------------------


def probe_video(source: Path, run: Run) -> tuple[float, bool]:
    """``(duration in seconds, has audio)`` through a boxed ``ffprobe``."""
    command = [tool("ffprobe"), "-v", "error", "-print_format", "json", "-show_format", "-show_streams", str(source)]
    result = run.tool(command)
    try:
        probe = json.loads(result.output) if result.returncode == 0 else {}
    except ValueError:
        probe = {}
    streams = probe.get("streams", [])
    if not any(stream.get("codec_type") == "video" for stream in streams):
        raise ConversionFailed("no_video", _("it is damaged or has no video that can be played."))
    try:
        duration = float(probe.get("format", {}).get("duration", 0))
    except ValueError:
        duration = 0.0
    return duration, any(stream.get("codec_type") == "audio" for stream in streams)


def convert_video(source: Path, run: Run) -> Outputs:
    duration, has_audio = probe_video(source, run)
    run.progress(1)
    target = run.workdir / "out" / "video.mp4"
    scale = "scale=w='min(1920,iw)':h='min(1080,ih)':force_original_aspect_ratio=decrease:force_divisible_by=2"
    command = [tool("ffmpeg"), "-nostdin", "-hide_banner", "-loglevel", "error"]
    command += ["-protocol_whitelist", "file", "-i", str(source), "-map", "0:v:0"]  # no URLs, no playlists
    command += ["-map", "0:a:0", "-c:a", "aac", "-b:a", "128k"] if has_audio else ["-an"]
    command += ["-c:v", "libx264", "-preset", "veryfast", "-crf", "23", "-pix_fmt", "yuv420p", "-vf", scale]
    command += ["-threads", str(min(os.cpu_count() or 1, 8))]  # x264 makes 1.5 per core: bound memory
    command += ["-movflags", "+faststart", "-sn", "-dn", "-progress", "pipe:1", "-nostats", "-y", str(target)]

    def on_line(line: str) -> None:
        key, _sep, value = line.partition("=")
        if key == "out_time_us" and duration > 0 and value.strip().isdigit():
            run.progress(min(99, 1 + int(98 * int(value) / 1_000_000 / duration)))

    result = run.tool(command, on_line=on_line)
    if result.returncode != 0 or not target.exists() or target.stat().st_size == 0:
        raise ConversionFailed("damaged", _("it is damaged or has no video that can be played."))
    return Outputs(converted=target)
