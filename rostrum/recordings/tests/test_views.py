"""Recording pages: list, play with Range requests, download, share (public, signed and expiring),
delete (bytes and quota freed); another account's recording answers 404 (also in the route matrix)."""

import pytest
from django.core.files.base import ContentFile
from django.urls import reverse

from rostrum.core.testing.asgi import SYNC_FALLBACK, get_through_asgi
from rostrum.library.quota import storage_used
from rostrum.recordings import actions
from rostrum.recordings.constants import RecordingStatus
from rostrum.recordings.models import Recording
from rostrum.rooms.tests.factories import make_room

BYTES = bytes(range(256)) * 40  # 10 240 bytes standing in for an MP4


@pytest.fixture
def ready(owner):
    room = make_room(owner, name="Product demo")
    recording = Recording(account=owner.account, room=room, status=RecordingStatus.READY, duration_seconds=61)
    recording.file.save("x.mp4", ContentFile(BYTES), save=False)
    recording.size_bytes = len(BYTES)
    recording.save()
    return recording


@pytest.mark.django_db
def test_the_list_shows_room_duration_size_and_status(client_for, owner, ready):
    page = client_for(owner.user).get(reverse("recording_list")).content.decode()
    assert "Product demo" in page and "61 s" in page and "10.0\xa0KB" in page and "Ready" in page


@pytest.mark.django_db
def test_the_player_gets_byte_ranges_and_the_download_the_whole_file(client_for, owner, ready):
    client = client_for(owner.user)
    url = reverse("recording_media", args=[ready.pk])
    part = client.get(url, HTTP_RANGE="bytes=100-199")
    assert part.status_code == 206 and part["Content-Range"] == f"bytes 100-199/{len(BYTES)}"
    assert b"".join(part.streaming_content) == BYTES[100:200] and part["Content-Type"] == "video/mp4"
    tail = client.get(url, HTTP_RANGE="bytes=-10")
    assert b"".join(tail.streaming_content) == BYTES[-10:]
    open_ended = client.get(url, HTTP_RANGE="bytes=10000-")
    assert b"".join(open_ended.streaming_content) == BYTES[10000:]
    assert client.get(url, HTTP_RANGE=f"bytes={len(BYTES)}-").status_code == 416
    whole = client.get(reverse("recording_download", args=[ready.pk]))
    assert whole.status_code == 200 and b"".join(whole.streaming_content) == BYTES
    assert whole["Accept-Ranges"] == "bytes" and "attachment" in whole["Content-Disposition"]


@pytest.mark.django_db
def test_under_asgi_the_recording_streams_asynchronously_whole_and_in_ranges(owner, ready):
    """As uvicorn serves it: an asynchronous body, never the fallback that reads the file into a list."""
    download = reverse("recording_download", args=[ready.pk])
    whole, body, messages = get_through_asgi(download, owner.user)
    assert whole.status_code == 200 and whole.is_async and body == BYTES
    assert whole["Content-Length"] == str(len(BYTES)) and whole["Accept-Ranges"] == "bytes"
    assert whole["Content-Disposition"] == f'attachment; filename="Product demo {ready.started_at:%Y-%m-%d %H%M}.mp4"'
    media = reverse("recording_media", args=[ready.pk])
    part, part_body, part_messages = get_through_asgi(media, owner.user, Range="bytes=100-199")
    assert part.status_code == 206 and part.is_async and part_body == BYTES[100:200]
    assert part["Content-Range"] == f"bytes 100-199/{len(BYTES)}" and part["Content-Length"] == "100"
    tail, tail_body, tail_messages = get_through_asgi(media, owner.user, Range="bytes=-10")
    assert tail.is_async and tail_body == BYTES[-10:]
    assert not [m for m in messages + part_messages + tail_messages if SYNC_FALLBACK in m]


@pytest.mark.django_db
def test_another_accounts_recording_answers_404(client_for, other_owner, ready):
    intruder = client_for(other_owner.user)
    for name in ("recording_detail", "recording_media", "recording_download"):
        assert intruder.get(reverse(name, args=[ready.pk])).status_code == 404


@pytest.mark.django_db
def test_a_public_link_plays_until_it_is_turned_off(client, client_for, owner, ready):
    manager = client_for(owner.user)
    manager.post(reverse("recording_share", args=[ready.pk]), {"public": "1"})
    ready.refresh_from_db()
    token = ready.share_token
    assert ready.is_public and len(token) >= 32
    assert client.get(reverse("recording_public", args=[token])).status_code == 200
    media = client.get(reverse("recording_public_media", args=[token]), HTTP_RANGE="bytes=0-9")
    assert media.status_code == 206 and b"".join(media.streaming_content) == BYTES[:10]
    manager.post(reverse("recording_share", args=[ready.pk]), {"public": "0"})
    assert client.get(reverse("recording_public", args=[token])).status_code == 404
    assert client.get(reverse("recording_public_media", args=[token])).status_code == 404


@pytest.mark.django_db
def test_a_signed_link_works_and_an_expired_one_does_not(client, client_for, owner, ready, monkeypatch):
    manager = client_for(owner.user)
    response = manager.post(reverse("recording_signed_link", args=[ready.pk]))
    page = manager.get(response["Location"]).content.decode()
    token = actions.build_signed_token(ready)
    assert "/recordings/l/" in page
    assert client.get(reverse("recording_signed", args=[token])).status_code == 200
    assert client.get(reverse("recording_signed_media", args=[token])).status_code == 200
    assert actions.recording_from_signed_token(token, max_age=-1) is None  # expired
    monkeypatch.setattr(actions, "SIGNED_LINK_MAX_AGE", -1)
    monkeypatch.setattr(actions.recording_from_signed_token, "__defaults__", (-1,))
    assert client.get(reverse("recording_signed", args=[token])).status_code == 404
    assert client.get(reverse("recording_signed_media", args=[token])).status_code == 404
    assert client.get(reverse("recording_signed", args=[token + "x"])).status_code == 404


@pytest.mark.django_db
def test_deleting_removes_the_bytes_and_frees_the_quota(client_for, owner, ready, django_capture_on_commit_callbacks):
    path = ready.file.path
    assert storage_used(owner.account) == len(BYTES)
    with django_capture_on_commit_callbacks(execute=True):
        response = client_for(owner.user).post(reverse("recording_delete", args=[ready.pk]))
    assert response.status_code == 302
    assert not Recording.objects.exists() and storage_used(owner.account) == 0
    import os

    assert not os.path.exists(path)


@pytest.mark.django_db
def test_an_analyst_may_watch_but_not_share_or_delete(client_for, owner, ready):
    from conftest import add_member
    from rostrum.accounts.constants import Role

    analyst = client_for(add_member(owner, "analyst@acme.example", Role.ANALYST).user)
    assert analyst.get(reverse("recording_detail", args=[ready.pk])).status_code == 200
    assert analyst.post(reverse("recording_share", args=[ready.pk]), {"public": "1"}).status_code == 403
    assert analyst.post(reverse("recording_delete", args=[ready.pk])).status_code == 403


@pytest.mark.django_db
def test_a_room_is_set_to_record_automatically(client_for, owner):
    from rostrum.recordings.models import RecordingSettings

    room = make_room(owner, name="Weekly")
    manager = client_for(owner.user)
    url = reverse("room_recording_settings", args=[room.pk])
    assert manager.get(url).status_code == 200
    manager.post(url, {"records_automatically": "on"})
    assert RecordingSettings.objects.get(room=room).records_automatically is True
    manager.post(url, {})
    assert RecordingSettings.objects.get(room=room).records_automatically is False
