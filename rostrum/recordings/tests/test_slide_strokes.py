"""Strokes drawn on slides, in the recording: the page as attendees saw it at each moment (a stroke
from when it was drawn, gone after a clear, each page with its own strokes), from the strokes kept
and the timeline's ``slide.cleared`` entries; changes coalesced so the stills stay bounded."""

from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from channels.db import database_sync_to_async
from PIL import Image

from rostrum.engagement.models import Presentation, PresentationStroke
from rostrum.engagement.tests.factories import make_presentable_file
from rostrum.live.tests.conftest import connect
from rostrum.recordings.composition import Overlay, Slideshow
from rostrum.recordings.constants import RecordingStatus
from rostrum.recordings.models import Recording, RecordingEvent
from rostrum.recordings.timeline import MAX_STILLS, change_moments, timeline_content, windows
from rostrum.rooms.models import Session
from rostrum.rooms.tests.factories import make_room

T0 = datetime(2026, 11, 30, 12, 0, tzinfo=UTC)
WHITE = (255, 255, 255)
BLUE, GREEN, RED = (0x15, 0x65, 0xC0), (0x2E, 0x7D, 0x32), (0xD3, 0x2F, 0x2F)  # whiteboard.constants.SHADES


def at(seconds: float) -> datetime:
    return T0 + timedelta(seconds=seconds)


def microseconds(moment: datetime) -> int:
    return int(moment.timestamp() * 1_000_000)


def test_changes_within_a_second_are_drawn_together_and_never_before_they_happened():
    changes = [at(2.2), at(2.7), at(3.0), at(4.01), at(-1), at(10), at(12)]
    assert change_moments(at(0), at(10), changes) == [at(0), at(3), at(5), at(10)]
    assert change_moments(at(0), at(10), []) == [at(0), at(10)]


def test_a_long_window_changing_every_second_draws_at_most_max_stills():
    hours = 4 * 3600
    changes = [at(n + 0.5) for n in range(hours)]
    moments = change_moments(at(0), at(hours), changes)
    assert len(moments) - 1 <= MAX_STILLS  # stills: from each moment to the next
    step = timedelta(seconds=hours / MAX_STILLS)
    for change in changes[::97]:  # each change shown at the first moment after it, at most a step late
        shown = next(moment for moment in moments if moment >= change)
        assert shown - change <= step


def draw(presentation, page: int, points, colour: str, drawn_at: datetime, width: int = 24) -> PresentationStroke:
    stroke = PresentationStroke.objects.create(
        presentation=presentation, page=page, points=points, colour=colour, width=width
    )
    PresentationStroke.objects.filter(pk=stroke.pk).update(created_at=drawn_at)
    stroke.refresh_from_db()
    return stroke


def add_entry(recording, seconds: float, kind: str, data: dict) -> None:
    RecordingEvent.objects.create(recording=recording, at=at(seconds), kind=kind, data=data)


def still_at(slideshow: Slideshow, seconds: float) -> Image.Image:
    """The picture the slideshow shows ``seconds`` into the recording (its playlist read back)."""
    playlist = Path(slideshow.playlist)
    lines = playlist.read_text().splitlines()[1:-1]  # the header; the last file repeated
    elapsed = slideshow.start
    for file_line, duration_line in zip(lines[::2], lines[1::2], strict=True):
        elapsed += float(duration_line.removeprefix("duration "))
        if seconds < elapsed:
            return Image.open(playlist.parent / file_line.removeprefix("file '").removesuffix("'")).convert("RGB")
    raise AssertionError(f"{seconds} s is after the slideshow")


def pixel(image: Image.Image, x: float, y: float, dy: int = 0) -> tuple[int, int, int]:
    """The colour at (``x``, ``y``) of the page (0 to 1 across it), ``dy`` pixels lower."""
    return image.getpixel((round(x * image.width), round(y * image.height) + dy))


@pytest.fixture
def recorded_deck(owner):
    """A recording (0-10 s) of a session showing a two-page white deck, and another session's
    presentation of the same deck."""
    room = make_room(owner, name="Recorded")
    session = Session.objects.create(room=room, started_at=at(-60))
    deck = make_presentable_file(owner, colours=(WHITE, WHITE))
    presentation = Presentation.objects.create(session=session, file=deck, page=1, page_count=2)
    recording = Recording.objects.create(
        account=room.account, room=room, session=session, status=RecordingStatus.PROCESSING,
        spool_dir="unused", stopped_at=at(10),
    )  # fmt: skip
    other = Session.objects.create(room=make_room(owner, name="Other"), started_at=at(-60))
    theirs = Presentation.objects.create(session=other, file=deck, page=1, page_count=2)
    pages = {page.number: page.image.name for page in deck.pages.all()}
    return recording, presentation, theirs, pages


@pytest.mark.django_db
def test_a_slide_shows_each_stroke_from_when_it_was_drawn_until_the_page_is_cleared(recorded_deck, tmp_path):
    recording, presentation, theirs, pages = recorded_deck
    across = [[0.1, 0.25], [0.9, 0.25]]
    cleared = {"points": across, "colour": "green", "width": 24, "drawn_at": at(-30).isoformat()}  # before recording
    draw(presentation, 1, [[0.1, 0.75], [0.9, 0.75]], "blue", at(4.5))  # after the clear: still kept
    draw(presentation, 2, [[0.5, 0.5]], "red", at(1))  # a dot on page 2, not shown yet
    draw(theirs, 1, [[0, 0.5], [1, 0.5]], "red", at(-30))  # another session's presentation
    add_entry(recording, 0, "slide.shown", {"image": pages[1], "presentation_id": presentation.pk, "page": 1})
    add_entry(recording, 4, "slide.cleared", {"presentation_id": presentation.pk, "page": 1, "strokes": [cleared]})
    add_entry(recording, 6, "slide.shown", {"image": pages[2], "presentation_id": presentation.pk, "page": 2})
    add_entry(recording, 8, "slide.shown", {"image": pages[1], "presentation_id": theirs.pk, "page": 1})
    add_entry(recording, 9, "slide.hidden", {"presentation_id": theirs.pk})

    first, second, other = timeline_content(recording, microseconds(at(0)), tmp_path)
    assert isinstance(first, Slideshow) and (first.start, first.end) == (0, 6)  # a clear does not end the window
    assert isinstance(second, Slideshow) and (second.start, second.end) == (6, 8)
    assert isinstance(other, Overlay) and (other.start, other.end) == (8, 9)  # another session's strokes: none
    before = still_at(first, 2)
    assert before.size == (1280, 720)  # the 320x180 page, as large as the recording shows it
    assert pixel(before, 0.5, 0.25) == GREEN and pixel(before, 0.5, 0.75) == WHITE
    assert pixel(before, 0.5, 0.25, dy=12) == GREEN and pixel(before, 0.5, 0.25, dy=20) == WHITE  # 31 px wide
    assert pixel(still_at(first, 4.2), 0.5, 0.25) == WHITE  # cleared
    assert pixel(still_at(first, 4.2), 0.5, 0.75) == WHITE  # not drawn yet
    after = still_at(first, 5.5)
    assert pixel(after, 0.5, 0.75) == BLUE and pixel(after, 0.12, 0.75) == BLUE and pixel(after, 0.5, 0.25) == WHITE
    page_two = still_at(second, 7)
    assert pixel(page_two, 0.5, 0.5) == RED and pixel(page_two, 0.5, 0.75) == WHITE  # its own strokes only


@pytest.mark.django_db
def test_a_page_without_strokes_or_with_bad_cleared_entries_is_the_page_image(recorded_deck, tmp_path):
    recording, presentation, _theirs, pages = recorded_deck
    draw(presentation, 1, [[0.5, 0.5]], "blue", at(12))  # after the recording
    bad = [{"points": "x"}, {"points": [], "colour": "red", "width": 4, "drawn_at": at(1).isoformat()}, None]
    add_entry(recording, 0, "slide.shown", {"image": pages[1], "presentation_id": presentation.pk, "page": 1})
    add_entry(recording, 2, "slide.cleared", {"presentation_id": presentation.pk, "page": 1, "strokes": bad})
    add_entry(recording, 3, "slide.shown", {"image": pages[1], "presentation_id": str(presentation.pk), "page": 1})
    add_entry(recording, 4, "slide.hidden", {})
    content = timeline_content(recording, microseconds(at(0)), tmp_path)
    assert [(type(item), item.start, item.end) for item in content] == [(Overlay, 0, 3), (Overlay, 3, 4)]


@pytest.mark.asyncio
@pytest.mark.django_db(transaction=True)
async def test_clearing_a_page_keeps_its_strokes_on_the_running_recordings_timeline(webinar, owner):
    host = await connect(webinar["host"])
    await host.request("session.start")
    session = await database_sync_to_async(Session.objects.get)(pk=webinar["host"].session_id)
    deck = await database_sync_to_async(make_presentable_file)(owner)
    recording = await database_sync_to_async(Recording.objects.create)(
        account=webinar["room"].account, room=webinar["room"], session=session, spool_dir="unused"
    )
    presentation_id = (await host.request("presentation.open", {"file_id": deck.pk}))["data"]["id"]
    line = {"page": 1, "points": [[0.1, 0.2], [0.3, 0.4]], "colour": "blue", "width": 6}
    assert (await host.request("presentation.stroke", line))["type"] == "ack"
    assert (await host.request("presentation.clear", {"page": 1}))["type"] == "ack"
    assert (await host.request("presentation.clear", {"page": 1}))["type"] == "ack"  # nothing left: no entry

    def entries():
        stroke_time = RecordingEvent.objects.get(kind="slide.cleared").data["strokes"][0]["drawn_at"]
        return list(recording.timeline.values_list("kind", "data")), stroke_time

    (shown, cleared), drawn_at = await database_sync_to_async(entries)()
    assert shown[0] == "slide.shown" and cleared[0] == "slide.cleared"
    stroke = {"points": line["points"], "colour": "blue", "width": 6, "drawn_at": drawn_at}
    assert cleared[1] == {"presentation_id": presentation_id, "page": 1, "strokes": [stroke]}
    assert datetime.fromisoformat(drawn_at) <= datetime.now(UTC)
    listed = await database_sync_to_async(lambda: list(windows(recording, "slide", 0)))()
    assert len(listed) == 1  # the page stays shown: a clear is no slide.* window's end
