"""The shared video's MP4: Range requests for the session's participants, 404 for anyone else."""

import shutil
import subprocess

import pytest
from django.db import transaction
from django.test import AsyncClient, Client

from rostrum.core.testing.asgi import SYNC_FALLBACK, get_through_asgi
from rostrum.live.context import LiveContext
from rostrum.rooms import session_actions
from rostrum.rooms.constants import PARTICIPANT_KEY_SESSION_KEY, ParticipantRole
from rostrum.rooms.models import Participant
from rostrum.rooms.tests.factories import make_room
from rostrum.videoshare import actions
from rostrum.videoshare.mp4 import mp4_duration
from rostrum.videoshare.tests.factories import make_shareable_video, sample_video_bytes

pytestmark = pytest.mark.django_db


def as_participant(participant, client_class=Client) -> Client:
    """A browser that came through the room page as ``participant`` (its key in the Django session)."""
    client = client_class()
    session = client.session
    session[PARTICIPANT_KEY_SESSION_KEY] = participant.key
    session.save()
    return client


def act(participant, function, *args, **kwargs):
    participant = Participant.objects.select_related("session__room__account").get(pk=participant.pk)
    with transaction.atomic():
        return function(LiveContext(participant=participant, session=participant.session), *args, **kwargs)


@pytest.fixture
def shared(owner):
    """A started webinar sharing a 10 s video; Ann is in, Otto is in another room's session."""
    room = make_room(owner, name="Video room")
    host = session_actions.do_join(room, key="host-key", display_name="Hanna", role=ParticipantRole.HOST)
    act(host, session_actions.check_start_session)
    ann = session_actions.do_join(room, key="ann-key", display_name="Ann", role=ParticipantRole.ATTENDEE)
    other_room = make_room(owner, name="Other room")
    other_host = session_actions.do_join(other_room, key="oh-key", display_name="Olga", role=ParticipantRole.HOST)
    act(other_host, session_actions.check_start_session)
    otto = session_actions.do_join(other_room, key="otto-key", display_name="Otto", role=ParticipantRole.ATTENDEE)
    clip = make_shareable_video(owner)
    video = act(host, actions.check_open_video, file_id=clip.pk)
    return {"host": host, "ann": ann, "otto": otto, "video": video, "clip": clip}


def file_url(video) -> str:
    return f"/live/videos/{video.pk}/file/"


def test_an_admitted_participant_gets_206_for_a_range(shared):
    client = as_participant(shared["ann"])
    mp4 = sample_video_bytes()
    response = client.get(file_url(shared["video"]), headers={"Range": "bytes=100-1099"})
    assert response.status_code == 206
    assert response["Content-Type"] == "video/mp4" and response["Accept-Ranges"] == "bytes"
    assert response["Content-Range"] == f"bytes 100-1099/{len(mp4)}"
    assert b"".join(response.streaming_content) == mp4[100:1100]
    assert "private" in response["Cache-Control"] and response["X-Content-Type-Options"] == "nosniff"
    whole = client.get(file_url(shared["video"]))
    assert whole.status_code == 200 and b"".join(whole.streaming_content) == mp4
    assert client.get(file_url(shared["video"]), headers={"Range": f"bytes={len(mp4)}-"}).status_code == 416


def test_under_asgi_the_video_streams_asynchronously(shared):
    mp4 = sample_video_bytes()
    client = as_participant(shared["ann"], AsyncClient)
    part, body, messages = get_through_asgi(file_url(shared["video"]), client=client, Range="bytes=100-1099")
    assert part.status_code == 206 and part.is_async and body == mp4[100:1100]
    assert part["Content-Range"] == f"bytes 100-1099/{len(mp4)}" and "private" in part["Cache-Control"]
    whole, whole_body, whole_messages = get_through_asgi(file_url(shared["video"]), client=client)
    assert whole.status_code == 200 and whole.is_async and whole_body == mp4
    assert not [m for m in messages + whole_messages if SYNC_FALLBACK in m]


def test_a_browser_not_in_the_session_gets_404(shared):
    url = file_url(shared["video"])
    assert Client().get(url).status_code == 404  # anonymous
    assert as_participant(shared["otto"]).get(url).status_code == 404  # another session's participant
    stranger = Client()
    session = stranger.session
    session[PARTICIPANT_KEY_SESSION_KEY] = "made-up-key"
    session.save()
    assert stranger.get(url).status_code == 404


def test_the_lobby_and_the_expelled_get_404(shared):
    ann = shared["ann"]
    Participant.objects.filter(pk=ann.pk).update(is_admitted=False)
    assert as_participant(ann).get(file_url(shared["video"])).status_code == 404
    Participant.objects.filter(pk=ann.pk).update(is_admitted=True, is_expelled=True)
    assert as_participant(ann).get(file_url(shared["video"])).status_code == 404


def test_a_closed_video_answers_404(shared):
    client = as_participant(shared["ann"])
    assert client.get(file_url(shared["video"])).status_code == 200
    act(shared["host"], actions.check_close_video)
    assert client.get(file_url(shared["video"])).status_code == 404
    assert as_participant(shared["host"]).get(file_url(shared["video"])).status_code == 404


def test_a_youtube_video_has_no_file_and_its_embed_carries_id_and_start(shared):
    video = act(shared["host"], actions.check_open_video, youtube_url="https://youtu.be/dQw4w9WgXcQ")
    assert as_participant(shared["ann"]).get(file_url(video)).status_code == 404
    from rostrum.videoshare.youtube import embed_url

    assert embed_url("dQw4w9WgXcQ", 42.7) == "https://www.youtube-nocookie.com/embed/dQw4w9WgXcQ?enablejsapi=1&start=42"


def test_the_duration_read_from_the_mp4_matches_ffprobe(tmp_path):
    path = tmp_path / "clip.mp4"
    path.write_bytes(sample_video_bytes())
    ffprobe = shutil.which("ffprobe") or "/usr/bin/ffprobe"
    arguments = ["-v", "error", "-show_entries", "format=duration", "-of", "default=nw=1:nk=1", str(path)]
    # S603: ffprobe with arguments written here.
    probe = subprocess.run([ffprobe, *arguments], check=True, capture_output=True, text=True)  # noqa: S603
    with path.open("rb") as stream:
        assert mp4_duration(stream) == pytest.approx(float(probe.stdout), abs=0.05)
    with (tmp_path / "not.mp4").open("wb+") as stream:
        stream.write(b"\x00\x00\x00\x08free" + b"nonsense" * 10)
        assert mp4_duration(stream) is None


def test_the_snapshot_part_takes_one_query(shared, django_assert_num_queries):
    from rostrum.videoshare.live_events import video_part

    ann = Participant.objects.select_related("session__room__account").get(pk=shared["ann"].pk)
    context = LiveContext(participant=ann, session=ann.session)
    with django_assert_num_queries(1):
        part = video_part(context)
    assert part["video"]["id"] == shared["video"].pk and part["video"]["title"] == "Product tour.mp4"
