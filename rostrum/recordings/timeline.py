"""What the room showed besides cameras and screens, from the recording's timeline, as content
for the composition (``composition.Overlay`` stills and ``composition.Clip`` videos):

- ``slide.shown {image}`` … the next ``slide.*``: the page image (private storage);
- ``whiteboard.shown {board_id}`` … the next ``whiteboard.*``: the board rendered as a PNG at each
  moment its visible items change (``rostrum.whiteboard``), played as a slideshow;
- ``video.shown {video_id, source, path, position, playing}`` … the next ``video.*``: a library
  video playing from ``position`` (a clip, its sound mixed in) or paused there (its frame, a
  still); a YouTube video as a card, since it cannot be fetched.

Each kind's entries follow each other; a window runs until the kind's next entry or the end of
the recording. When kinds overlap, videos are drawn over whiteboards over slides (the room shows a
shared video above an open presentation). Entries naming something that is gone or not this
account's are left out.
"""

import itertools
import logging
import math
from datetime import UTC, datetime
from pathlib import Path

from django.core.exceptions import SuspiciousOperation
from django.utils import timezone

from rostrum.recordings.composition import Clip, Overlay, Slideshow
from rostrum.recordings.layout import CONTENT_BOX

logger = logging.getLogger(__name__)

FONT = "/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf"
KINDS = ("slide", "whiteboard", "video")


def seconds_after(moment: datetime, origin_us: int) -> float:
    return max(moment.timestamp() * 1_000_000 - origin_us, 0) / 1_000_000


def windows(recording, prefix: str, origin_us: int):
    """``(entry, start, end)`` for each ``<prefix>.shown`` entry, datetimes; none starts before the
    recording's first packet (``origin_us``)."""
    entries = list(recording.timeline.filter(kind__startswith=prefix + "."))
    stopped = recording.stopped_at or timezone.now()
    origin = datetime.fromtimestamp(origin_us / 1_000_000, tz=UTC)
    for number, entry in enumerate(entries):
        if entry.kind != prefix + ".shown":
            continue
        following = entries[number + 1] if number + 1 < len(entries) else None
        start, end = max(entry.at, origin), following.at if following else stopped
        if end > start:
            yield entry, start, end


def storage_file(name: str) -> Path | None:
    from rostrum.core.storage import private_storage

    try:
        path = Path(private_storage().path(name))
    except (NotImplementedError, ValueError, SuspiciousOperation):
        return None
    return path if path.is_file() else None


def timeline_content(recording, origin_us: int, work_dir: Path) -> list:
    """The stills and clips to show, in seconds from ``origin_us`` (the recording's first packet),
    bottom layer first; rendered images are written into ``work_dir``."""
    content = slide_content(recording, origin_us)
    content += whiteboard_content(recording, origin_us, work_dir)
    content += video_content(recording, origin_us, work_dir)
    return [item for item in content if item.end > item.start]


def slide_content(recording, origin_us: int) -> list:
    content = []
    for entry, start, end in windows(recording, "slide", origin_us):
        image = storage_file(entry.data.get("image") or "")
        if image is not None:
            content.append(Overlay(str(image), seconds_after(start, origin_us), seconds_after(end, origin_us)))
    return content


def whiteboard_content(recording, origin_us: int, work_dir: Path) -> list:
    """Per window, the board drawn at each change, played as one slideshow (a board may change
    hundreds of times: one ffmpeg input, not one per picture)."""
    content = []
    for entry, start, end in windows(recording, "whiteboard", origin_us):
        board = whiteboard_of_session(recording, entry.data.get("board_id"))
        if board is None:
            continue
        lines = ["ffconcat version 1.0"]
        for number, (since, until) in enumerate(itertools.pairwise(board_changes(board, start, end))):
            image = work_dir / f"whiteboard-{entry.pk}-{number}.png"
            render_board_png(board, since, image)
            lines += [f"file '{image.name}'", f"duration {(until - since).total_seconds():.3f}"]
        lines.append(lines[-2])  # the concat demuxer keeps the last duration only if the file repeats
        playlist = work_dir / f"whiteboard-{entry.pk}.ffconcat"
        playlist.write_text("\n".join(lines) + "\n")
        content.append(Slideshow(str(playlist), seconds_after(start, origin_us), seconds_after(end, origin_us)))
    return content


def whiteboard_of_session(recording, board_id):
    """The board, if it is this recording's session's (another session's id shows nothing)."""
    try:
        from rostrum.whiteboard.models import Whiteboard
    except ImportError:
        logger.warning("recording %s shows a whiteboard but the whiteboard app is not installed", recording.pk)
        return None
    if not isinstance(board_id, int) or recording.session_id is None:
        return None
    return Whiteboard.objects.filter(pk=board_id, session_id=recording.session_id).first()


def board_changes(board, start: datetime, end: datetime) -> list[datetime]:
    """``start``, every moment inside the window when an item appeared or went, and ``end``."""
    from rostrum.whiteboard.models import WhiteboardItem

    moments = {start, end}
    items = WhiteboardItem.objects.filter(board=board)
    for created, removed in items.values_list("created_at", "removed_at"):
        moments.update(moment for moment in (created, removed) if moment is not None and start < moment < end)
    return sorted(moments)


def render_board_png(board, when: datetime, path: Path) -> None:
    from rostrum.whiteboard.render import items_at, render_board

    if not path.exists():  # a retry keeps what an earlier attempt drew
        partial = path.with_name("partial-" + path.name)
        width = CONTENT_BOX.width  # the board is 16:9, as in the room; ffmpeg letterboxes it
        picture = render_board(items_at(board, when), width=width, height=width * 9 // 16, at=when)
        picture.save(partial, "PNG")
        partial.rename(path)


def video_content(recording, origin_us: int, work_dir: Path) -> list:
    from rostrum.recordings.processing import stream_kinds

    content = []
    for entry, start, end in windows(recording, "video", origin_us):
        start_s, end_s = seconds_after(start, origin_us), seconds_after(end, origin_us)
        position = position_in(entry.data.get("position"))
        if entry.data.get("playing") is True:  # a window cut to the first packet starts later in
            position += (start - entry.at).total_seconds()
        if entry.data.get("source") == "youtube":
            content.append(Overlay(str(youtube_card(work_dir)), start_s, end_s))
            continue
        source = library_video(recording, entry.data.get("path"))
        if source is None or entry.data.get("source") != "library":
            continue
        if entry.data.get("playing") is True:
            has_audio = "audio" in stream_kinds(source)
            content.append(Clip(str(source), start_s, end_s, position, has_audio=has_audio))
        else:
            content.append(Overlay(str(video_frame(source, position, work_dir, entry.pk)), start_s, end_s))
    return content


def position_in(value) -> float:
    """Seconds into the video: a finite number >= 0, else 0."""
    if isinstance(value, bool) or not isinstance(value, int | float) or not math.isfinite(value):
        return 0.0
    return max(float(value), 0.0)


def library_video(recording, name) -> Path | None:
    """The video's file, only from this account's library (``library/<account>/…``)."""
    if not isinstance(name, str) or not name.startswith(f"library/{recording.account_id}/"):
        return None
    return storage_file(name)


def video_frame(source: Path, position: float, work_dir: Path, entry_id: int) -> Path:
    """The frame a paused video showed (its last frame when ``position`` is past its end)."""
    from rostrum.recordings.processing import run

    image = work_dir / f"video-{entry_id}.png"
    if not image.exists():
        partial = image.with_name("partial-" + image.name)
        ffmpeg = ["ffmpeg", "-y", "-loglevel", "error", "-nostdin"]
        grab = ["-update", "1", "-f", "image2", str(partial)]
        run([*ffmpeg, "-ss", f"{position:.3f}", "-i", str(source), "-frames:v", "1", *grab], 120)
        if not partial.exists():  # every frame of the last second, each overwriting the one before
            run([*ffmpeg, "-sseof", "-1", "-i", str(source), *grab], 120)
        partial.rename(image)
    return image


def youtube_card(work_dir: Path) -> Path:
    """A still card saying "YouTube video": the video itself cannot be fetched."""
    from django.utils.translation import gettext as _

    from rostrum.recordings.processing import run

    image = work_dir / "youtube-card.png"
    if not image.exists():
        text = _("YouTube video").replace("\\", "").replace(":", r"\:").replace("'", "")
        size = f"{CONTENT_BOX.width}x{CONTENT_BOX.height}"
        drawtext = f"drawtext=fontfile={FONT}:text='{text}':fontcolor=white:fontsize=56:x=(w-tw)/2:y=(h-th)/2"
        run(["ffmpeg", "-y", "-loglevel", "error", "-nostdin", "-f", "lavfi", "-i", f"color=c=0x202020:s={size}",
             "-vf", drawtext, "-frames:v", "1", "-f", "image2", str(image)], 120)  # fmt: skip
    return image
