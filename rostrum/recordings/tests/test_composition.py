"""What attendees saw, in the recording (real ffmpeg): every camera, in a grid or beside what was
shared; a late camera only from its start; shared videos (playing, paused, YouTube) from the
timeline, with their sound; nothing from another account's library."""

from datetime import timedelta
from pathlib import Path

import pytest
from django.core.files.base import ContentFile
from django.utils import timezone

from rostrum.core.storage import private_storage
from rostrum.recordings import actions, processing
from rostrum.recordings.constants import RecordingStatus
from rostrum.recordings.models import Recording, RecordingEvent
from rostrum.recordings.tests.media import make_audio, make_clip, make_video, mean_volume, region_colour, track
from rostrum.recordings.timeline import timeline_content
from rostrum.rooms.models import Session
from rostrum.rooms.tests.factories import make_room


def is_colour(rgb, colour: str) -> bool:
    red, green, blue = rgb
    high, low = 170, 80
    return {
        "red": red > high and green < low and blue < low,
        "blue": blue > high and red < low and green < low,
        "green": green > 90 and red < low and blue < low,  # lavfi "green" is #008000
        "magenta": red > high and blue > high and green < low,
        "black": max(rgb) < 30,
        "white": min(rgb) > 220,
        "board blue": blue > 150 and red < 60 and 60 < green < 140,  # the whiteboard's #1565c0
        "board green": 90 < green < 160 and red < 80 and blue < 80,  # #2e7d32
    }[colour]


def test_two_cameras_sit_side_by_side_and_the_late_one_is_absent_before_its_start(tmp_path):
    red = track(make_video(tmp_path / "red.webm", 6, "red"), 5, "video", "vp8", 1_000_000)
    blue = track(make_video(tmp_path / "blue.webm", 4, "blue"), 9, "video", "vp8", 3_000_000)
    voice = track(make_audio(tmp_path / "a.opus", 6), 5, "audio", "opus", 1_000_000)
    output = tmp_path / "out.mp4"
    processing.compose([red, blue, voice], output)
    assert abs(processing.media_duration(output) - 6.0) < 0.3
    before = [region_colour(output, 1.0, x, 360) for x in (320, 640, 960)]
    assert all(is_colour(rgb, "red") for rgb in before), before  # alone: the whole picture
    assert is_colour(region_colour(output, 4.0, 320, 360), "red")  # left half
    assert is_colour(region_colour(output, 4.0, 960, 360), "blue")  # right half
    assert is_colour(region_colour(output, 4.0, 640, 90), "black")  # the grid's bars above


def test_while_a_screen_is_shared_both_cameras_are_thumbnails_beside_it(tmp_path):
    red = track(make_video(tmp_path / "red.webm", 5, "red"), 5, "video", "vp8", 0)
    blue = track(make_video(tmp_path / "blue.webm", 5, "blue"), 9, "video", "vp8", 0)
    screen = track(make_video(tmp_path / "scr.webm", 2, "green", "640x360"), 6, "screen", "vp8", 2_000_000)
    output = tmp_path / "out.mp4"
    processing.compose([red, blue, screen], output)
    assert is_colour(region_colour(output, 3.0, 512, 360), "green")  # the share, large
    assert is_colour(region_colour(output, 3.0, 1152, 288), "red")  # first thumbnail (joined first)
    assert is_colour(region_colour(output, 3.0, 1152, 432), "blue")
    assert is_colour(region_colour(output, 1.0, 960, 360), "blue")  # before the share: the grid
    assert is_colour(region_colour(output, 4.6, 320, 360), "red")  # after it: the grid again


@pytest.fixture
def recording_of_a_camera(owner, tmp_path, settings, monkeypatch):
    """A stopped recording of one red camera (8 s, no microphone) whose first packet was 20 s ago;
    janus-pp-rec is replaced (no real .mjr files here)."""
    settings.RECORDINGS_SPOOL_DIR = tmp_path / "spool"
    room = make_room(owner, name="Recorded")
    session = Session.objects.create(room=room, started_at=timezone.now() - timedelta(minutes=1))
    spool = tmp_path / "spool" / "r1"
    spool.mkdir(parents=True)
    (spool / "videoroom-1-user-5-1-video-1.mjr").write_bytes(b"MJR00002")
    camera = make_video(tmp_path / "cam.webm", 8, "red")
    origin = timezone.now() - timedelta(seconds=20)
    recording = Recording.objects.create(
        account=room.account,
        room=room,
        session=session,
        status=RecordingStatus.PROCESSING,
        spool_dir=str(spool),
        stopped_at=origin + timedelta(seconds=8),
    )

    def read_track(path):
        return processing.Track(str(path), 5, "video", "vp8", int(origin.timestamp() * 1_000_000))

    def extract(found, work_dir):
        found.output, found.duration_seconds = str(camera), processing.media_duration(camera)

    monkeypatch.setattr(processing, "read_track", read_track)
    monkeypatch.setattr(processing, "extract", extract)
    monkeypatch.setattr(actions, "SETTLE_SECONDS", 0)
    return recording, origin


def add_entry(recording, origin, seconds: float, kind: str, data: dict) -> None:
    RecordingEvent.objects.create(recording=recording, at=origin + timedelta(seconds=seconds), kind=kind, data=data)


@pytest.mark.django_db(transaction=True)
def test_a_shared_video_plays_from_its_position_pauses_as_a_still_and_youtube_shows_a_card(
    recording_of_a_camera, tmp_path
):
    recording, origin = recording_of_a_camera
    clip = make_clip(tmp_path / "clip.mp4", 4)  # green 0-2 s, magenta 2-4 s, a 1 kHz tone
    name = private_storage().save(f"library/{recording.account_id}/clip", ContentFile(clip.read_bytes()))
    video = {"video_id": 7, "source": "library", "path": name}
    add_entry(recording, origin, 1, "video.shown", {**video, "position": 2.0, "playing": True})
    add_entry(recording, origin, 3, "video.shown", {**video, "position": 0.5, "playing": False})
    add_entry(recording, origin, 5, "video.shown", {"video_id": 8, "source": "youtube", "path": "", "position": 0,
                                                   "playing": True})  # fmt: skip
    add_entry(recording, origin, 6.5, "video.hidden", {"video_id": 8})

    assert actions.do_process_recording(recording.pk) == "ready"
    recording.refresh_from_db()
    output = Path(recording.file.path)
    assert abs(recording.duration_seconds - 8.0) < 0.3
    assert is_colour(region_colour(output, 0.5, 640, 360), "red")  # the camera alone, full
    assert is_colour(region_colour(output, 1.5, 512, 360), "magenta")  # playing from 2.0 s
    assert is_colour(region_colour(output, 1.5, 1152, 360), "red")  # the camera as a thumbnail
    assert is_colour(region_colour(output, 4.5, 512, 360), "green")  # paused at 0.5 s: a still
    card_corner, card_text = region_colour(output, 5.7, 512, 100), region_colour(output, 5.7, 512, 360, 400, 40)
    assert 20 < card_corner[0] < 50 and abs(card_corner[0] - card_corner[2]) < 10  # the dark grey card
    assert card_text[0] > card_corner[0] + 30  # with white text in its middle
    assert is_colour(region_colour(output, 7.5, 640, 360), "red")  # hidden: the camera alone again
    assert mean_volume(output, 1.2, 1.6) > -30  # the clip's sound while it plays
    assert mean_volume(output, 3.2, 1.6) < -70  # paused: silence (the camera had no microphone)


@pytest.mark.django_db
def test_a_video_from_another_accounts_library_or_a_bad_entry_is_not_shown(
    recording_of_a_camera, tmp_path, other_owner
):
    recording, origin = recording_of_a_camera
    clip = make_clip(tmp_path / "clip.mp4", 2)
    theirs = private_storage().save(f"library/{other_owner.account.pk}/clip", ContentFile(clip.read_bytes()))
    playing = {"source": "library", "position": 0, "playing": True}
    add_entry(recording, origin, 1, "video.shown", {**playing, "path": theirs})
    add_entry(recording, origin, 2, "video.shown", {"source": "library", "path": "../../etc/passwd", "playing": True})
    add_entry(recording, origin, 3, "video.shown", {"source": "library", "path": None, "position": "x"})
    add_entry(recording, origin, 4, "video.hidden", {})
    assert timeline_content(recording, int(origin.timestamp() * 1_000_000), tmp_path) == []


def draw(board, kind: str, points, colour: str, drawn_at, removed_at=None):
    from rostrum.whiteboard.models import WhiteboardItem

    item = WhiteboardItem.objects.create(board=board, kind=kind, points=points, colour=colour, width=24)
    WhiteboardItem.objects.filter(pk=item.pk).update(created_at=drawn_at, removed_at=removed_at)


@pytest.mark.django_db(transaction=True)
def test_the_whiteboard_is_shown_as_it_was_at_each_moment_and_another_sessions_board_is_not(
    recording_of_a_camera, other_owner
):
    from rostrum.whiteboard.models import Whiteboard

    recording, origin = recording_of_a_camera
    board = Whiteboard.objects.create(session=recording.session)
    at = lambda seconds: origin + timedelta(seconds=seconds)  # noqa: E731
    draw(board, "pen", [[0.1, 0.1], [0.9, 0.1]], "green", at(-30))  # drawn before recording
    draw(board, "rect", [[0.2, 0.2], [0.6, 0.8]], "blue", at(2), removed_at=at(4))  # erased at 4 s
    other_session = Session.objects.create(room=make_room(other_owner, name="Theirs"), started_at=at(0))
    theirs = Whiteboard.objects.create(session=other_session)
    draw(theirs, "rect", [[0, 0], [1, 1]], "blue", at(-30))
    add_entry(recording, origin, 1, "whiteboard.shown", {"board_id": board.pk})
    add_entry(recording, origin, 5, "whiteboard.hidden", {"board_id": board.pk})
    add_entry(recording, origin, 6, "whiteboard.shown", {"board_id": theirs.pk})
    add_entry(recording, origin, 7, "whiteboard.hidden", {"board_id": theirs.pk})

    assert actions.do_process_recording(recording.pk) == "ready"
    recording.refresh_from_db()
    output = Path(recording.file.path)
    # The 16:9 board fills the content box's width (1024 px), centred: y = 72 + 576 * y.
    rect_edge, rect_inside, pen = (217, 360), (410, 360), (512, 130)
    assert is_colour(region_colour(output, 0.5, 640, 360), "red")  # the camera alone
    assert is_colour(region_colour(output, 1.5, *pen, 12), "board green")
    assert is_colour(region_colour(output, 1.5, *rect_edge, 12), "white")  # not drawn yet
    assert is_colour(region_colour(output, 1.5, 1152, 360), "red")  # the camera as a thumbnail
    assert is_colour(region_colour(output, 3.0, *rect_edge, 12), "board blue")
    assert is_colour(region_colour(output, 3.0, *rect_inside, 12), "white")
    assert is_colour(region_colour(output, 4.5, *rect_edge, 12), "white")  # erased
    assert is_colour(region_colour(output, 4.5, *pen, 12), "board green")
    assert is_colour(region_colour(output, 5.5, 640, 360), "red")  # hidden
    assert is_colour(region_colour(output, 6.5, 640, 360), "red")  # another session's board: not shown


@pytest.mark.django_db(transaction=True)
def test_strokes_drawn_on_a_slide_are_shown_from_when_they_were_drawn_until_the_page_is_cleared(
    owner, recording_of_a_camera
):
    from rostrum.engagement.models import Presentation, PresentationStroke
    from rostrum.engagement.tests.factories import make_presentable_file

    recording, origin = recording_of_a_camera
    at = lambda seconds: origin + timedelta(seconds=seconds)  # noqa: E731
    deck = make_presentable_file(owner, colours=((255, 255, 255),))  # a white 16:9 page
    presentation = Presentation.objects.create(session=recording.session, file=deck, page=1, page_count=1)
    kept = PresentationStroke.objects.create(presentation=presentation, page=1, points=[[0.25, 0.1], [0.25, 0.9]],
                                             colour="green", width=24)  # fmt: skip
    PresentationStroke.objects.filter(pk=kept.pk).update(created_at=at(5.5))  # after the clear, still kept
    # Drawn at 2.2 s (shown from 3 s: changes are drawn once a second), deleted by the clear at 5 s.
    across = {"points": [[0.1, 0.5], [0.9, 0.5]], "colour": "blue", "width": 24, "drawn_at": at(2.2).isoformat()}
    shown = {"image": deck.pages.get().image.name, "presentation_id": presentation.pk, "page": 1}
    add_entry(recording, origin, 1, "slide.shown", shown)
    add_entry(recording, origin, 5, "slide.cleared", {"presentation_id": presentation.pk, "page": 1,
                                                     "strokes": [across]})  # fmt: skip
    add_entry(recording, origin, 7, "slide.hidden", {"presentation_id": presentation.pk})

    assert actions.do_process_recording(recording.pk) == "ready"
    output = Path(Recording.objects.get(pk=recording.pk).file.path)
    # The 16:9 page fills the content box's width (1024 px), centred: y = 72 + 576 * y.
    line, column = (640, 360), (256, 200)
    assert is_colour(region_colour(output, 0.5, 640, 360), "red")  # the camera alone
    assert is_colour(region_colour(output, 2.5, *line, 12), "white")  # the page, nothing drawn yet
    assert is_colour(region_colour(output, 2.5, *column, 12), "white")
    assert is_colour(region_colour(output, 2.5, 1152, 360), "red")  # the camera as a thumbnail
    assert is_colour(region_colour(output, 3.5, *line, 12), "board blue")
    assert is_colour(region_colour(output, 3.5, 640, 330, 12), "white")  # the line is 25 px wide
    assert is_colour(region_colour(output, 5.5, *line, 12), "white")  # cleared
    assert is_colour(region_colour(output, 5.5, *column, 12), "white")  # not drawn yet
    assert is_colour(region_colour(output, 6.5, *column, 12), "board green")
    assert is_colour(region_colour(output, 6.5, *line, 12), "white")
    assert is_colour(region_colour(output, 7.5, 640, 360), "red")  # hidden


@pytest.mark.django_db
def test_a_video_playing_since_before_the_first_packet_starts_there_further_in(recording_of_a_camera, tmp_path):
    from rostrum.recordings.composition import Clip

    recording, origin = recording_of_a_camera
    clip = make_clip(tmp_path / "clip.mp4", 4)
    name = private_storage().save(f"library/{recording.account_id}/clip", ContentFile(clip.read_bytes()))
    video = {"video_id": 7, "source": "library", "path": name, "position": 1.0}
    add_entry(recording, origin, -2, "video.shown", {**video, "playing": True})
    add_entry(recording, origin, 1, "video.shown", {**video, "position": -5, "playing": False})
    add_entry(recording, origin, 2, "video.hidden", {})
    content = timeline_content(recording, int(origin.timestamp() * 1_000_000), tmp_path)
    playing, paused = content
    assert isinstance(playing, Clip) and playing.source == private_storage().path(name) and playing.has_audio
    assert (playing.start, playing.end, playing.position) == (pytest.approx(0), pytest.approx(1), pytest.approx(3))
    assert (paused.start, paused.end) == (pytest.approx(1), pytest.approx(2))  # a still (bad position: 0)
    assert Path(paused.image).is_file()


@pytest.mark.django_db
def test_what_the_room_shows_when_recording_starts_is_the_timelines_first_entries(owner, recording_of_a_camera):
    from rostrum.engagement.models import Presentation
    from rostrum.engagement.tests.factories import make_presentable_file
    from rostrum.videoshare.models import SharedVideo
    from rostrum.whiteboard.models import Whiteboard

    recording, _origin = recording_of_a_camera
    session = recording.session
    actions.do_note_shown_content(session)  # nothing shown: nothing noted (and not recording yet)
    Recording.objects.filter(pk=recording.pk).update(status=RecordingStatus.RECORDING)
    actions.do_note_shown_content(session)
    assert not recording.timeline.exists()

    deck = make_presentable_file(owner)
    Presentation.objects.create(session=session, file=deck, page=2, page_count=3)
    board = Whiteboard.objects.create(session=session, is_shown=True)
    since = timezone.now() - timedelta(seconds=5)
    SharedVideo.objects.create(session=session, source="youtube", youtube_id="dQw4w9WgXcQ", title="Talk",
                               playing=True, position=10, position_at=since)  # fmt: skip
    actions.do_note_shown_content(session)
    entries = {entry.kind: entry.data for entry in recording.timeline.all()}
    page_two = deck.pages.get(number=2).image.name
    assert entries["slide.shown"]["page"] == 2 and entries["slide.shown"]["image"] == page_two
    assert entries["whiteboard.shown"] == {"board_id": board.pk}
    video = entries["video.shown"]
    assert video["source"] == "youtube" and video["playing"] is True and video["path"] == ""
    assert 15 <= video["position"] < 17  # 10 s when it was last changed, 5 s ago, playing since
