"""Recording against a real Janus: an aiortc publisher (a green picture and a tone) publishes for
~5 s while the room records; Janus's .mjr files are really written (not just ``ok``); the
post-processing job makes an MP4 whose duration matches and whose frames show the green picture.

The request sent to Janus carries the room secret (``lock_record``) and no file name at all: the
files go under the room's ``rec_dir`` with Janus's own relative names (``../shared/notes/janus.md``).
"""

import asyncio
import fractions
import math
import shutil
import subprocess
import time
from pathlib import Path

import pytest
from aiortc import MediaStreamTrack, RTCSessionDescription
from av import AudioFrame
from django.utils import timezone

from rostrum.media.backend import MediaRoom
from rostrum.media.constants import feed_id_for
from rostrum.media.janus import JanusBackend, enable_recording_request, recording_dir_request
from rostrum.media.tests.test_janus_backend import ColourTrack, publisher_offer
from rostrum.recordings import actions
from rostrum.recordings.constants import RecordingStatus
from rostrum.recordings.models import Recording
from rostrum.recordings.tests.media import frame_colour
from rostrum.rooms.tests.factories import make_room

SECONDS = 5.0
FFPROBE = shutil.which("ffprobe") or "/usr/bin/ffprobe"


class ToneTrack(MediaStreamTrack):
    """A 440 Hz tone, 20 ms frames at 48 kHz, paced in real time."""

    kind = "audio"

    def __init__(self):
        super().__init__()
        self.sent = 0
        self.started = None

    async def recv(self):
        rate, samples = 48000, 960
        if self.started is None:
            self.started = time.monotonic()
        wait = self.started + self.sent / rate - time.monotonic()
        if wait > 0:
            await asyncio.sleep(wait)
        values = [int(8000 * math.sin(2 * math.pi * 440 * (self.sent + i) / rate)) for i in range(samples)]
        frame = AudioFrame(format="s16", layout="mono", samples=samples)
        frame.planes[0].update(b"".join(v.to_bytes(2, "little", signed=True) for v in values))
        frame.sample_rate, frame.pts, frame.time_base = rate, self.sent, fractions.Fraction(1, rate)
        self.sent += samples
        return frame


def test_the_recording_requests_carry_the_secret_and_no_absolute_file_name():
    room = MediaRoom(room_id=7, secret="s3cret", node="ws://x")
    start = enable_recording_request(room, True)
    assert start == {"request": "enable_recording", "room": 7, "secret": "s3cret", "record": True}
    folder = recording_dir_request(room, "/var/spool/rec-7")
    assert folder["secret"] == "s3cret" and folder["new_rec_dir"] == "/var/spool/rec-7"
    assert "filename" not in start and "filename" not in folder


async def record_session(node, room_id: int, spool: Path, feed_id: int) -> None:
    backend = JanusBackend([node.url], node.api_secret)
    room = MediaRoom(room_id=room_id, secret=f"secret-{room_id}", node=node.url, max_publishers=4)
    try:
        await backend.ensure_room(room)  # made with lock_record, as in production
        await backend.record(room, True, str(spool))  # before anyone publishes: later publishers record too
        pc, offer = await publisher_offer(ColourTrack())
        pc.addTrack(ToneTrack())
        await pc.setLocalDescription(await pc.createOffer())
        offer = {"type": pc.localDescription.type, "sdp": pc.localDescription.sdp}
        handle, answer = await backend.publish(room, feed_id, "Presenter", offer)
        await pc.setRemoteDescription(RTCSessionDescription(**answer))
        await asyncio.sleep(SECONDS)
        await backend.record(room, False)
        await backend.hang_up(handle)
        await pc.close()
    finally:
        await backend.destroy_room(room)
        await backend.close()


@pytest.mark.django_db(transaction=True)
def test_a_recorded_session_yields_an_mp4_of_its_duration_showing_the_publishers_picture(
    janus_node, owner, tmp_path, settings, monkeypatch
):
    settings.RECORDINGS_SPOOL_DIR = tmp_path / "spool"
    monkeypatch.setattr(actions, "SETTLE_SECONDS", 0.5)
    spool = tmp_path / "spool" / "session-1"
    spool.mkdir(parents=True)
    feed_id = feed_id_for(3, "camera")
    asyncio.run(record_session(janus_node, 9701, spool, feed_id))

    written = {p.name: p.stat().st_size for p in spool.glob("*.mjr")}
    assert any("audio" in name for name in written) and any("video" in name for name in written), written
    assert all(size > 1000 for size in written.values()), written  # really written, not just "ok"
    assert all(f"-user-{feed_id}-" in name for name in written)

    room = make_room(owner, name="Recorded")
    recording = Recording.objects.create(
        account=owner.account,
        room=room,
        status=RecordingStatus.PROCESSING,
        spool_dir=str(spool),
        stopped_at=timezone.now(),
    )
    assert actions.do_process_recording(recording.pk) == "ready"
    recording.refresh_from_db()
    assert abs(recording.duration_seconds - SECONDS) < 1.0, recording.duration_seconds
    path = Path(recording.file.path)
    streams = subprocess.run(  # noqa: S603
        [FFPROBE, "-v", "error", "-show_entries", "stream=codec_name", "-of", "csv=p=0", str(path)],
        check=True, capture_output=True, text=True,
    ).stdout.split()  # fmt: skip
    assert sorted(streams) == ["aac", "h264"]
    red, green, blue = frame_colour(path, SECONDS / 2)
    assert green > 150 and red < 80 and blue < 80, (red, green, blue)  # the publisher's green picture
    assert {t.kind for t in recording.tracks.all()} == {"audio", "video"}
    assert not spool.exists()  # sources removed once ready
