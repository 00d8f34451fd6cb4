"""Post-processing from extracted tracks to the MP4 (real ffmpeg), and the job around it: a crash
after extraction is retried and never marks a partial file ready; the sweep re-queues stuck ones."""

import shutil
import subprocess
from datetime import timedelta
from pathlib import Path

import pytest
from django.utils import timezone

from rostrum.core import events
from rostrum.recordings import actions, processing
from rostrum.recordings.constants import MAX_ATTEMPTS, RecordingStatus
from rostrum.recordings.models import Recording
from rostrum.recordings.tests.media import frame_colour, make_audio, make_video, region_colour, track
from rostrum.rooms.tests.factories import make_room

FFPROBE = shutil.which("ffprobe") or "/usr/bin/ffprobe"


def probe(path: Path) -> dict:
    out = subprocess.run(  # noqa: S603
        [FFPROBE, "-v", "error", "-show_entries", "stream=codec_name,codec_type:format=duration",
         "-of", "json", str(path)],
        check=True, capture_output=True, text=True,
    ).stdout  # fmt: skip
    import json

    return json.loads(out)


def test_a_camera_with_a_screen_share_window_and_two_voices_make_one_mp4(tmp_path):
    camera = track(make_video(tmp_path / "cam.webm", 6, "red"), 5, "video", "vp8", 1_000_000)
    screen = track(make_video(tmp_path / "scr.webm", 2, "blue", "640x360"), 6, "screen", "vp8", 3_000_000)
    voice1 = track(make_audio(tmp_path / "a1.opus", 6, 440), 5, "audio", "opus", 1_000_000)
    voice2 = track(make_audio(tmp_path / "a2.opus", 2, 660), 9, "audio", "opus", 4_000_000)
    output = tmp_path / "out.mp4"
    processing.compose([camera, screen, voice1, voice2], output)
    info = probe(output)
    assert {s["codec_name"] for s in info["streams"]} == {"h264", "aac"}
    assert abs(float(info["format"]["duration"]) - 6.0) < 0.3
    red, blue = frame_colour(output, 1.0), frame_colour(output, 3.0)
    assert red[0] > 180 and red[2] < 60, red  # the camera
    assert blue[2] > 180 and blue[0] < 60, blue  # the screen share, large, 2 s in
    thumbnail = region_colour(output, 3.0, 1152, 360)
    assert thumbnail[0] > 180 and thumbnail[2] < 60, thumbnail  # the camera still seen, beside it
    assert frame_colour(output, 5.5)[0] > 180  # the camera alone again after the share


def test_a_lone_h264_camera_is_copied_not_encoded(tmp_path):
    camera = track(make_video(tmp_path / "cam.mkv", 3, "green", codec="libx264"), 5, "video", "h264", 0)
    voice = track(make_audio(tmp_path / "a.opus", 3), 5, "audio", "opus", 0)
    command = processing.compose_command([camera, voice], tmp_path / "o.mp4")
    assert command[command.index("-c:v") + 1] == "copy"
    second = track(make_video(tmp_path / "cam2.mkv", 3, "blue", codec="libx264"), 9, "video", "h264", 0)
    command = processing.compose_command([camera, second, voice], tmp_path / "o.mp4")
    assert command[command.index("-c:v") + 1] == "libx264"  # two cameras are composed side by side
    processing.compose([camera, voice], tmp_path / "o.mp4")
    assert abs(float(probe(tmp_path / "o.mp4")["format"]["duration"]) - 3.0) < 0.3


@pytest.fixture
def stopped_recording(owner, tmp_path, settings):
    settings.RECORDINGS_SPOOL_DIR = tmp_path / "spool"
    room = make_room(owner, name="Recorded")
    spool = tmp_path / "spool" / "r1"
    spool.mkdir(parents=True)
    media = {
        "videoroom-1-user-5-1-video-1.mjr": make_video(tmp_path / "cam.webm", 3, "red"),
        "videoroom-1-user-5-1-audio-0.mjr": make_audio(tmp_path / "a.opus", 3),
    }
    for name in media:
        (spool / name).write_bytes(b"MJR00002")
    recording = Recording.objects.create(
        account=room.account,
        room=room,
        status=RecordingStatus.PROCESSING,
        spool_dir=str(spool),
        stopped_at=timezone.now() - timedelta(seconds=10),
    )
    return recording, media


@pytest.fixture
def fake_extraction(monkeypatch, stopped_recording):
    """janus-pp-rec is replaced (there are no real .mjr files here): each file maps to its media."""
    _recording, media = stopped_recording

    def read_track(path):
        kind = "audio" if "audio" in path.name else "video"
        return processing.Track(str(path), 5, kind, "opus" if kind == "audio" else "vp8", 1_000_000)

    def extract(found, work_dir):
        found.output = str(media[Path(found.source).name])
        found.duration_seconds = processing.media_duration(Path(found.output))

    monkeypatch.setattr(processing, "read_track", read_track)
    monkeypatch.setattr(processing, "extract", extract)
    monkeypatch.setattr(actions, "SETTLE_SECONDS", 0)


@pytest.mark.django_db(transaction=True)
def test_processing_makes_the_file_ready_with_duration_and_size_and_announces_it(
    stopped_recording, fake_extraction, monkeypatch
):
    recording, _media = stopped_recording
    emitted = []
    monkeypatch.setattr(
        events, "domain_event", type("S", (), {"send_robust": lambda self, **kw: emitted.append(kw) or []})()
    )
    assert actions.do_process_recording(recording.pk) == "ready"
    recording.refresh_from_db()
    assert recording.status == RecordingStatus.READY and recording.attempts == 1
    assert abs(recording.duration_seconds - 3.0) < 0.3
    assert recording.size_bytes == recording.file.size > 0
    assert [e["name"] for e in emitted] == ["recording.ready"]
    assert not Path(recording.spool_dir).exists()  # sources removed once ready
    assert recording.tracks.count() == 2


@pytest.mark.django_db(transaction=True)
def test_a_crash_after_extraction_is_retried_and_never_marks_a_partial_file_ready(
    stopped_recording, fake_extraction, monkeypatch
):
    recording, _media = stopped_recording
    real_compose = processing.compose

    def crash(tracks, output, overlays=()):
        output.write_bytes(b"\x00" * 1000)  # half a file, then the worker dies
        raise RuntimeError("worker died mid-compose")

    monkeypatch.setattr(processing, "compose", crash)
    scheduled = []
    from rostrum.recordings import tasks

    monkeypatch.setattr(tasks.process_recording, "schedule", lambda args, delay: scheduled.append((args, delay)))
    assert actions.do_process_recording(recording.pk) == "retry"
    recording.refresh_from_db()
    assert recording.status == RecordingStatus.PROCESSING and not recording.file and recording.size_bytes == 0
    assert "worker died" in recording.error and recording.attempts == 1
    assert scheduled == [((recording.pk,), 30)]

    monkeypatch.setattr(processing, "compose", real_compose)
    assert actions.do_process_recording(recording.pk) == "ready"
    recording.refresh_from_db()
    assert recording.status == RecordingStatus.READY and recording.attempts == 2 and recording.error == ""
    assert abs(recording.duration_seconds - 3.0) < 0.3


@pytest.mark.django_db(transaction=True)
def test_after_the_last_attempt_fails_the_recording_is_failed_with_the_message(
    stopped_recording, fake_extraction, monkeypatch
):
    recording, _media = stopped_recording
    Recording.objects.filter(pk=recording.pk).update(attempts=MAX_ATTEMPTS - 1)
    monkeypatch.setattr(processing, "compose", lambda *a, **k: (_ for _ in ()).throw(processing.ProcessingError("x")))
    assert actions.do_process_recording(recording.pk) == "failed"
    recording.refresh_from_db()
    assert recording.status == RecordingStatus.FAILED and recording.error == "x" and not recording.file


@pytest.mark.django_db
def test_the_sweep_requeues_a_recording_whose_worker_died(stopped_recording):
    recording, _media = stopped_recording
    assert actions.do_claim_processing(recording.pk) is not None  # a worker took it, then died
    assert actions.do_claim_processing(recording.pk) is None  # its lease is fresh: nobody else takes it
    assert actions.do_sweep_stuck_recordings(timezone.now()) == []
    assert actions.do_sweep_stuck_recordings(timezone.now() + timedelta(hours=1)) == [recording.pk]
    assert actions.do_claim_processing(recording.pk) is not None


@pytest.mark.django_db(transaction=True)
def test_slides_on_the_timeline_are_shown_in_the_recording_while_they_were_shown(
    stopped_recording, monkeypatch, tmp_path
):
    from django.core.files.base import ContentFile

    from rostrum.core.storage import private_storage
    from rostrum.recordings.models import RecordingEvent

    recording, media = stopped_recording
    origin = timezone.now() - timedelta(seconds=20)
    origin_us = int(origin.timestamp() * 1_000_000)

    def read_track(path):
        kind = "audio" if "audio" in path.name else "video"
        return processing.Track(str(path), 5, kind, "opus" if kind == "audio" else "vp8", origin_us)

    def extract(found, work_dir):
        found.output = str(media[Path(found.source).name])
        found.duration_seconds = processing.media_duration(Path(found.output))

    monkeypatch.setattr(processing, "read_track", read_track)
    monkeypatch.setattr(processing, "extract", extract)
    monkeypatch.setattr(actions, "SETTLE_SECONDS", 0)
    slide = make_video(tmp_path / "slide.png", 0.04, "blue", "800x600", codec="png")
    key = private_storage().save("library/1/page-1.png", ContentFile(slide.read_bytes()))
    RecordingEvent.objects.create(recording=recording, at=origin + timedelta(seconds=1), kind="slide.shown",
                                  data={"image": key, "presentation_id": 1, "page": 1})  # fmt: skip
    RecordingEvent.objects.create(recording=recording, at=origin + timedelta(seconds=2), kind="slide.hidden", data={})
    assert actions.do_process_recording(recording.pk) == "ready"
    recording.refresh_from_db()
    path = Path(recording.file.path)
    assert frame_colour(path, 0.5)[0] > 180  # the camera (red)
    assert frame_colour(path, 1.5)[2] > 180  # the slide (blue)
    assert frame_colour(path, 2.6)[0] > 180  # the camera again


@pytest.mark.django_db
def test_the_sweep_stops_recordings_of_sessions_that_ended_without_the_end_frame(
    owner, django_capture_on_commit_callbacks
):
    from rostrum.rooms.models import Session

    room = make_room(owner, name="Forgotten")
    session = Session.objects.create(room=room, started_at=timezone.now(), ended_at=timezone.now())
    recording = Recording.objects.create(account=owner.account, room=room, session=session, spool_dir="/nowhere")
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        actions.do_sweep_stuck_recordings()
    recording.refresh_from_db()
    assert recording.status == RecordingStatus.PROCESSING and recording.stopped_at is not None
    assert len(callbacks) >= 1  # the processing task, queued on commit
