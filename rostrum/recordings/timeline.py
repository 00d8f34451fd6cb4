"""What the room showed besides cameras and screens, from the recording's timeline, as content
for the composition (``composition.Overlay`` stills and ``composition.Clip`` videos):

- ``slide.shown {image, presentation_id, page}`` … the next ``slide.shown``/``slide.hidden``: the
  page image (private storage), with the strokes drawn on that page as they were at each moment
  they changed (drawn; gone at a ``slide.cleared {presentation_id, page, strokes}``, which keeps
  the deleted strokes), played as a slideshow;
- ``whiteboard.shown {board_id}`` … the next ``whiteboard.*``: the board rendered as a PNG at each
  moment its visible items change (``rostrum.whiteboard``), played as a slideshow;
- ``video.shown {video_id, source, path, position, playing}`` … the next ``video.*``: a library
  video playing from ``position`` (a clip, its sound mixed in) or paused there (its frame, a
  still); a YouTube video as a card, since it cannot be fetched.

Each kind's ``.shown`` and ``.hidden`` entries follow each other; a window runs until the kind's
next one or the end of the recording. Changes are drawn at most once a second of a window (and at
most ``MAX_STILLS`` times a window): a still per change would grow without bound. When kinds
overlap, videos are drawn over whiteboards over slides (the room shows a shared video above an open
presentation). Entries naming something that is gone or not this
account's are left out.
"""

import functools
import itertools
import logging
import math
import shutil
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path

from django.core.exceptions import SuspiciousOperation
from django.utils import timezone
from PIL import Image

from rostrum.recordings.composition import Clip, Overlay, Slideshow
from rostrum.recordings.layout import CONTENT_BOX, FULL_BOX

logger = logging.getLogger(__name__)

FONT = "/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf"
KINDS = ("slide", "whiteboard", "video")
STILL_SECONDS = 1.0  # changes within the same second of a window are drawn together
MAX_STILLS = 600  # per window: a longer window draws its changes over longer steps


def seconds_after(moment: datetime, origin_us: int) -> float:
    return max(moment.timestamp() * 1_000_000 - origin_us, 0) / 1_000_000


def windows(recording, prefix: str, origin_us: int):
    """``(entry, start, end)`` for each ``<prefix>.shown`` entry, datetimes; none starts before the
    recording's first packet (``origin_us``)."""
    entries = list(recording.timeline.filter(kind__in=(prefix + ".shown", prefix + ".hidden")))
    stopped = recording.stopped_at or timezone.now()
    origin = datetime.fromtimestamp(origin_us / 1_000_000, tz=UTC)
    for number, entry in enumerate(entries):
        if entry.kind != prefix + ".shown":
            continue
        following = entries[number + 1] if number + 1 < len(entries) else None
        start, end = max(entry.at, origin), following.at if following else stopped
        if end > start:
            yield entry, start, end


def storage_file(name: str, work_dir: Path) -> Path | None:
    """A stored file as a local path for ffmpeg and Pillow: the file itself on a folder storage, a
    copy in ``work_dir`` on object storage (S3); None when there is no such file."""
    from rostrum.core.storage import private_storage

    if not name:
        return None
    storage = private_storage()
    try:
        path = Path(storage.path(name))
    except NotImplementedError:
        return _copied(storage, name, work_dir)
    except (ValueError, SuspiciousOperation):
        return None
    return path if path.is_file() else None


def _copied(storage, name: str, work_dir: Path) -> Path | None:
    copy = work_dir / "stored" / name.replace("/", "_")
    if copy.is_file():  # the same page or video shown again
        return copy
    try:
        with storage.open(name, "rb") as stored:
            copy.parent.mkdir(parents=True, exist_ok=True)
            with copy.open("wb") as local:
                shutil.copyfileobj(stored, local, 1024 * 1024)
    except (FileNotFoundError, OSError, ValueError, SuspiciousOperation):
        logger.warning("stored file %s could not be read for the recording", name)
        return None
    return copy


def timeline_content(recording, origin_us: int, work_dir: Path) -> list:
    """The stills and clips to show, in seconds from ``origin_us`` (the recording's first packet),
    bottom layer first; rendered images are written into ``work_dir``."""
    content = slide_content(recording, origin_us, work_dir)
    content += whiteboard_content(recording, origin_us, work_dir)
    content += video_content(recording, origin_us, work_dir)
    return [item for item in content if item.end > item.start]


def change_moments(start: datetime, end: datetime, changes: Iterable[datetime]) -> list[datetime]:
    """``start``, each change inside the window moved on to the end of its step, and ``end``: the
    moments to draw. A step is a second (longer when the window would need more than
    ``MAX_STILLS``), so a change is shown at most a step late and never before it happened."""
    step = max(STILL_SECONDS, (end - start).total_seconds() / MAX_STILLS)
    moments = {start, end}
    for moment in changes:
        if start < moment < end:
            steps = math.ceil((moment - start).total_seconds() / step)
            moments.add(min(start + timedelta(seconds=steps * step), end))
    return sorted(moments)


def write_slideshow(
    work_dir: Path, name: str, moments: list[datetime], render: Callable[[datetime, Path], None]
) -> Path:
    """An ffconcat playlist showing ``render(since, image)`` from each moment to the next (a slide
    or board may change hundreds of times: one ffmpeg input, not one per picture)."""
    lines = ["ffconcat version 1.0"]
    for number, (since, until) in enumerate(itertools.pairwise(moments)):
        image = work_dir / f"{name}-{number}.png"
        render(since, image)
        lines += [f"file '{image.name}'", f"duration {(until - since).total_seconds():.3f}"]
    lines.append(lines[-2])  # the concat demuxer keeps the last duration only if the file repeats
    playlist = work_dir / f"{name}.ffconcat"
    playlist.write_text("\n".join(lines) + "\n")
    return playlist


def save_png(path: Path, draw: Callable[[], Image.Image]) -> None:
    """``draw()`` saved as ``path``, unless an earlier attempt did (a retry keeps what it drew)."""
    if not path.exists():
        partial = path.with_name("partial-" + path.name)
        draw().save(partial, "PNG")
        partial.rename(path)


def slide_content(recording, origin_us: int, work_dir: Path) -> list:
    """Per window, the page image; with strokes on it during the window, the page drawn with them
    at each change, played as one slideshow."""
    content = []
    for entry, start, end in windows(recording, "slide", origin_us):
        image = storage_file(entry.data.get("image") or "", work_dir)
        if image is None:
            continue
        start_s, end_s = seconds_after(start, origin_us), seconds_after(end, origin_us)
        strokes = [s for s in page_strokes(recording, entry.data) if s.is_shown_between(start, end)]
        if not strokes:
            content.append(Overlay(str(image), start_s, end_s))
            continue
        changes = [moment for stroke in strokes for moment in (stroke.drawn_at, stroke.cleared_at) if moment]
        render = functools.partial(render_slide_png, fitted_page(image), strokes)
        playlist = write_slideshow(work_dir, f"slide-{entry.pk}", change_moments(start, end, changes), render)
        content.append(Slideshow(str(playlist), start_s, end_s))
    return content


@dataclass(frozen=True)
class Stroke:
    """A line drawn on a page: points from 0 to 1 across it, a palette colour, a width in
    thousandths of the page's width; shown from ``drawn_at`` until ``cleared_at`` (if cleared)."""

    points: list
    colour: str
    width: int
    drawn_at: datetime
    cleared_at: datetime | None = None

    def is_shown_at(self, when: datetime) -> bool:
        return self.drawn_at <= when and (self.cleared_at is None or self.cleared_at > when)

    def is_shown_between(self, start: datetime, end: datetime) -> bool:
        return self.drawn_at < end and (self.cleared_at is None or self.cleared_at > start)


def page_strokes(recording, shown: dict) -> list[Stroke]:
    """The strokes ever on the page a ``slide.shown`` entry names: those still kept (only of a
    presentation of the recording's session) and those its ``slide.cleared`` entries kept."""
    from rostrum.engagement.models import PresentationStroke

    presentation_id, page = shown.get("presentation_id"), shown.get("page")
    if not isinstance(presentation_id, int) or not isinstance(page, int) or recording.session_id is None:
        return []
    kept = PresentationStroke.objects.filter(
        presentation_id=presentation_id, presentation__session_id=recording.session_id, page=page
    )
    strokes = [Stroke(s.points, s.colour, s.width, s.created_at) for s in kept]
    cleared = recording.timeline.filter(kind="slide.cleared", data__presentation_id=presentation_id, data__page=page)
    for entry in cleared:
        strokes += [stroke for data in entry.data.get("strokes", []) if (stroke := cleared_stroke(data, entry.at))]
    return strokes


def cleared_stroke(data, cleared_at: datetime) -> Stroke | None:
    """A stroke a ``slide.cleared`` entry kept, or None when its data is not one."""
    try:
        drawn_at = datetime.fromisoformat(data["drawn_at"])
        points = [(float(x), float(y)) for x, y in data["points"]]
        return Stroke(points, str(data["colour"]), int(data["width"]), drawn_at, cleared_at) if points else None
    except (KeyError, TypeError, ValueError):
        return None


def fitted_page(image: Path) -> Image.Image:
    """The page image scaled to fill the largest content box it fits (the stills stay small; ffmpeg
    fits it into the box used)."""
    from PIL import ImageOps

    with Image.open(image) as opened:
        return ImageOps.contain(opened.convert("RGB"), (FULL_BOX.width, FULL_BOX.height))


def render_slide_png(page: Image.Image, strokes: list[Stroke], when: datetime, path: Path) -> None:
    save_png(path, lambda: draw_strokes(page, strokes, when))


def draw_strokes(page: Image.Image, strokes: list[Stroke], when: datetime) -> Image.Image:
    """The page with the strokes shown at ``when``, as presentation.js draws them over the page:
    coordinates and widths relative to the page's size, the palette's shades."""
    from PIL import ImageDraw

    from rostrum.whiteboard.constants import SHADES
    from rostrum.whiteboard.render import draw_pen, line_width

    picture = page.copy()
    draw = ImageDraw.Draw(picture)
    width, height = picture.size
    for stroke in strokes:
        if stroke.is_shown_at(when):
            points = [(x * width, y * height) for x, y in stroke.points]
            draw_pen(draw, points, SHADES.get(stroke.colour, SHADES["black"]), line_width(stroke.width, width))
    return picture


def whiteboard_content(recording, origin_us: int, work_dir: Path) -> list:
    """Per window, the board drawn at each change, played as one slideshow."""
    content = []
    for entry, start, end in windows(recording, "whiteboard", origin_us):
        board = whiteboard_of_session(recording, entry.data.get("board_id"))
        if board is None:
            continue
        render = functools.partial(render_board_png, board)
        playlist = write_slideshow(work_dir, f"whiteboard-{entry.pk}", board_changes(board, start, end), render)
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
    """The moments to draw the board at (``change_moments``): when an item appeared or went."""
    from rostrum.whiteboard.models import WhiteboardItem

    items = WhiteboardItem.objects.filter(board=board).values_list("created_at", "removed_at")
    return change_moments(start, end, (moment for pair in items for moment in pair if moment is not None))


def render_board_png(board, when: datetime, path: Path) -> None:
    from rostrum.whiteboard.render import items_at, render_board

    width = CONTENT_BOX.width  # the board is 16:9, as in the room; ffmpeg letterboxes it
    save_png(path, lambda: render_board(items_at(board, when), width=width, height=width * 9 // 16, at=when))


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
        source = library_video(recording, entry.data.get("path"), work_dir)
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


def library_video(recording, name, work_dir: Path) -> Path | None:
    """The video's file, only from this account's library (``library/<account>/…``)."""
    if not isinstance(name, str) or not name.startswith(f"library/{recording.account_id}/"):
        return None
    return storage_file(name, work_dir)


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
