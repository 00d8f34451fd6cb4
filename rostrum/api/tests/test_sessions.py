"""Sessions, attendees, report PDFs and recordings through the API (spec §3.3, §3.5)."""

import time
from datetime import timedelta
from urllib.parse import urlsplit

import pytest
from django.core import signing
from django.core.files.base import ContentFile
from django.test import Client

from rostrum.api import report_pdfs
from rostrum.api.tests.conftest import error_shape
from rostrum.core.storage import private_storage
from rostrum.core.streaming import BLOCK_SIZE
from rostrum.core.testing.asgi import SYNC_FALLBACK, get_through_asgi
from rostrum.recordings.constants import RecordingStatus
from rostrum.recordings.models import Recording
from rostrum.reports.tests.conftest import FIREFOX, START, play_session
from rostrum.rooms.models import Room
from rostrum.rooms.tests.factories import make_room

pytestmark = pytest.mark.django_db


def conforms(response, template: str, method: str = "GET") -> None:
    """Fails unless ``response`` (a test client's) matches the OpenAPI description of the operation at
    ``template`` (``/api/v1/conferences/{room_id}/sessions``): the fuzz test sees mostly 404s, so the
    successful shapes are checked here on real data."""
    import requests
    from schemathesis.core.transport import Response as Answer

    from rostrum.api.tests.test_schema_fuzz import schema

    content = b"".join(response.streaming_content) if response.streaming else response.content
    answer = Answer(
        response.status_code,
        {key.lower(): [value] for key, value in response.headers.items()},
        content,
        requests.Request(method, "http://testserver" + template).prepare(),
        0.0,
        True,
    )
    schema[template][method].validate_response(answer)


@pytest.fixture
def played(business_owner):
    """The reports' scripted session (host 0-60, Ann 2-40, Ben 5-20 and 45-60, Cat 10-12, Dan never
    connected), in a room on Warsaw time (UTC+1 in March)."""
    played = play_session(business_owner)
    Room.objects.filter(pk=played["room"].pk).update(timezone="Europe/Warsaw")
    return played


def base(played) -> str:
    return f"/api/v1/conferences/{played['room'].pk}/sessions"


def test_sessions_list_has_the_reports_figures_and_dates_with_the_rooms_offset(api, played):
    response = api.get(base(played) + ".json")
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/json")
    assert response.json() == [
        {
            "id": played["session"].pk,
            "total_visitors": 4,  # Dan opened the page but never connected
            "max_visitors": 4,  # everyone at minutes 10-12
            "start_date": "2025-03-10T18:00:00+01:00",
            "end_date": "2025-03-10T19:00:00+01:00",
        }
    ]


def test_a_room_without_sessions_has_an_empty_list(api, business_owner):
    room = make_room(business_owner)
    assert api.get(f"/api/v1/conferences/{room.pk}/sessions").json() == []


def test_session_detail_lists_who_connected_and_the_pdf_per_language(api, played):
    body = api.get(f"{base(played)}/{played['session'].pk}.json").json()
    assert set(body) == {"total_visitors", "max_visitors", "start_date", "end_date", "attendees", "pdf"}
    assert (body["total_visitors"], body["max_visitors"]) == (4, 4)
    assert [a["login"] for a in body["attendees"]] == ["Hanna Host", "Ann", "Ben", "Cat"]
    ann = body["attendees"][1]
    assert ann == {
        "id": played["ann"].pk,
        "start_date": "2025-03-10T18:02:00+01:00",
        "end_date": "2025-03-10T18:40:00+01:00",
        "login": "Ann",
        "email": "ann@example.com",
    }
    assert set(body["pdf"]) == {"en", "pl", "de", "ru", "es", "fr", "it", "pt-br"}
    assert body["pdf"]["pl"]["progress"] == 0
    assert body["pdf"]["pl"]["generate_pdf_url"].endswith(
        f"/api/v1/conferences/{played['room'].pk}/sessions/{played['session'].pk}/generate-pdf/pl"
    )


def test_attendees_in_clickmeetings_words(api, played):
    rows = api.get(f"{base(played)}/{played['session'].pk}/attendees.json").json()
    assert [(r["nickname"], r["role"]) for r in rows] == [
        ("Hanna Host", "host"),
        ("Ann", "listener"),
        ("Ben", "listener"),
        ("Cat", "listener"),
    ]
    ben = rows[2]
    assert ben == {
        "uid": str(played["ben"].pk),
        "role": "listener",
        "nickname": "Ben",
        "email": "ben@example.com",
        "device": FIREFOX,
        "rating": None,
        "rating_comment": None,
        "start_date": "2025-03-10T18:05:00+01:00",
        "end_date": "2025-03-10T19:00:00+01:00",
        "user_ip": None,
    }


def test_a_connection_still_open_has_no_end_date(api, business_owner):
    from rostrum.rooms import session_actions

    room = make_room(business_owner)
    host = session_actions.do_join(room, key="h", display_name="Host", role="host", user=business_owner.user)
    session_actions.do_open_attendance(host.pk, FIREFOX)
    summary = api.get(f"/api/v1/conferences/{room.pk}/sessions").json()[0]
    assert summary["end_date"] is None and summary["total_visitors"] == 1
    attendee = api.get(f"/api/v1/conferences/{room.pk}/sessions/{host.session_id}/attendees").json()[0]
    assert attendee["end_date"] is None and attendee["role"] == "host"


def test_pdf_is_made_by_the_task_and_its_link_serves_a_pdf(api, played, run_tasks, django_capture_on_commit_callbacks):
    url = f"{base(played)}/{played['session'].pk}/generate-pdf/pl.json"
    with django_capture_on_commit_callbacks(execute=True):
        first = api.get(url).json()
    assert first == {"status": "NEW", "progress": 0}
    with django_capture_on_commit_callbacks(execute=True):
        assert api.get(url).json() == {"status": "IN PROGRESS", "progress": 50}  # queued once only
    assert run_tasks() == 1
    done = api.get(url).json()
    assert done["status"] == "FINISHED" and done["progress"] == 100
    download = Client().get(done["url"])  # a signed link: no key needed
    assert download.status_code == 200
    assert download["Content-Type"] == "application/pdf"
    assert b"".join(download.streaming_content if download.streaming else [download.content]).startswith(b"%PDF")
    detail = api.get(f"{base(played)}/{played['session'].pk}").json()
    assert detail["pdf"]["pl"]["status"] == "FINISHED" and detail["pdf"]["pl"]["url"]
    assert "generate_pdf_url" in detail["pdf"]["en"]


def test_pdf_languages_as_clients_spell_them_and_an_unknown_one_is_422(api, played):
    url = f"{base(played)}/{played['session'].pk}/generate-pdf"
    assert api.get(f"{url}/us").json()["status"] == "NEW"  # read as English
    body = error_shape(api.get(f"{url}/xx"), 422)
    assert body["errors"][0]["name"] == "lang"


def test_a_tampered_or_expired_pdf_link_is_404(api, played, run_tasks, django_capture_on_commit_callbacks, monkeypatch):
    url = f"{base(played)}/{played['session'].pk}/generate-pdf/en"
    with django_capture_on_commit_callbacks(execute=True):
        api.get(url)
    run_tasks()
    link = api.get(url).json()["url"]
    assert Client().get(link).status_code == 200
    error_shape(Client().get(link[:-3] + "abc"), 404)
    later = time.time() + report_pdfs.PDF_LINK_MAX_AGE + 60
    monkeypatch.setattr(signing.time, "time", lambda: later)  # what signing reads as now
    error_shape(Client().get(link), 404)


def test_under_asgi_a_pdf_link_sends_the_stored_file_in_blocks(played):
    session = played["session"]
    content = b"%PDF-1.7\n" + bytes(range(256)) * (BLOCK_SIZE // 128)  # two blocks and a bit
    private_storage().save(report_pdfs.pdf_key(session, "de"), ContentFile(content))
    link = urlsplit(report_pdfs.signed_url(session, "de")).path
    response, body, messages = get_through_asgi(link)  # a signed link: no key needed
    assert response.status_code == 200 and response.is_async and body == content
    assert not [m for m in messages if SYNC_FALLBACK in m]
    assert response["Content-Type"] == "application/pdf" and response["Content-Length"] == str(len(content))
    assert response["Content-Disposition"] == f'attachment; filename="session-{session.pk}.pdf"'
    assert dict(response.items()) == dict(Client().get(link).items())
    head = Client().head(link)
    assert head.status_code == 200 and head["Content-Length"] == str(len(content)) and not head.getvalue()


def test_another_accounts_room_and_session_are_404(api, played, other_owner):
    theirs = play_session(other_owner)
    room, session = theirs["room"].pk, theirs["session"].pk
    for path in (
        f"conferences/{room}/sessions",
        f"conferences/{room}/sessions/{session}",
        f"conferences/{room}/sessions/{session}/attendees",
        f"conferences/{room}/sessions/{session}/generate-pdf/en",
        f"conferences/{room}/sessions/{session}/registrations",
        f"conferences/{room}/recordings",
        f"conferences/{played['room'].pk}/sessions/{session}",  # our room, their session
        f"conferences/{played['room'].pk}/sessions/{session}/attendees",
    ):
        error_shape(api.get(f"/api/v1/{path}.json"), 404)
    error_shape(api.delete(f"/api/v1/conferences/{room}/recordings"), 404)


def test_an_id_too_large_for_the_database_is_404(api):
    error_shape(api.get("/api/v1/conferences/99999999999999999999999/sessions"), 404)


RECORDED_BYTES = bytes(range(256)) * 8  # 2 048 bytes standing in for an MP4


def make_recording(membership, room, status=RecordingStatus.READY, started_at=START):
    recording = Recording(account=membership.account, room=room, status=status, duration_seconds=61.4)
    recording.file.save("x.mp4", ContentFile(RECORDED_BYTES), save=False)
    recording.size_bytes = len(RECORDED_BYTES)
    recording.save()
    Recording.objects.filter(pk=recording.pk).update(started_at=started_at)
    recording.refresh_from_db()
    return recording


def test_a_room_without_recordings_has_an_empty_list_and_deleting_is_ok(api, business_owner):
    room = make_room(business_owner)
    assert api.get(f"/api/v1/conferences/{room.pk}/recordings.json").json() == []
    response = api.delete(f"/api/v1/conferences/{room.pk}/recordings.json")
    assert response.status_code == 200 and response.json() == {"STATUS": "OK"}
    error_shape(api.delete(f"/api/v1/conferences/{room.pk}/recordings/5.json"), 404)


def test_ready_recordings_in_clickmeetings_words_with_a_signed_link(api, business_owner):
    room = make_room(business_owner)
    Room.objects.filter(pk=room.pk).update(timezone="Europe/Warsaw")
    ready = make_recording(business_owner, room)
    make_recording(business_owner, room, status=RecordingStatus.PROCESSING)
    body = api.get(f"/api/v1/conferences/{room.pk}/recordings").json()
    assert len(body) == 1
    entry = body[0]
    assert entry["id"] == ready.pk and entry["recording_duration"] == 61
    assert entry["recording_file_size"] == len(RECORDED_BYTES)
    assert entry["recorder_started"] == "2025-03-10 18:00:00"
    assert entry["recorder_start_date"] == "2025-03-10T18:00:00+01:00"
    link = entry["recording_url"]
    assert link.startswith("http://testserver/") and "/recordings/l/" in link
    page = Client().get(link)
    assert page.status_code == 200
    media = Client().get(link.rstrip("/") + "/media/")
    assert media.status_code == 200 and b"".join(media.streaming_content) == RECORDED_BYTES


def test_deleting_one_recording_removes_its_bytes_and_another_rooms_id_is_404(
    api, business_owner, other_owner, django_capture_on_commit_callbacks
):
    room, elsewhere = make_room(business_owner), make_room(business_owner, name="Elsewhere")
    kept = make_recording(business_owner, elsewhere)
    theirs = make_recording(other_owner, make_room(other_owner))
    gone = make_recording(business_owner, room)
    name = gone.file.name
    assert private_storage().exists(name)
    error_shape(api.delete(f"/api/v1/conferences/{room.pk}/recordings/{kept.pk}"), 404)  # our other room's
    error_shape(api.delete(f"/api/v1/conferences/{room.pk}/recordings/{theirs.pk}"), 404)  # another account's
    error_shape(api.delete(f"/api/v1/conferences/{theirs.room_id}/recordings/{theirs.pk}"), 404)
    error_shape(api.get(f"/api/v1/conferences/{theirs.room_id}/recordings"), 404)
    with django_capture_on_commit_callbacks(execute=True):
        response = api.delete(f"/api/v1/conferences/{room.pk}/recordings/{gone.pk}.json")
    assert response.status_code == 200 and response.json() == {"STATUS": "OK"}
    assert not Recording.objects.filter(pk=gone.pk).exists() and not private_storage().exists(name)
    assert set(Recording.objects.values_list("pk", flat=True)) == {kept.pk, theirs.pk}
    error_shape(api.delete(f"/api/v1/conferences/{room.pk}/recordings/{gone.pk}"), 404)


def test_deleting_the_rooms_recordings_removes_them_all_and_only_them(
    api, business_owner, django_capture_on_commit_callbacks
):
    room, elsewhere = make_room(business_owner), make_room(business_owner, name="Elsewhere")
    mine = [make_recording(business_owner, room), make_recording(business_owner, room, RecordingStatus.FAILED)]
    kept = make_recording(business_owner, elsewhere)
    names = [recording.file.name for recording in mine]
    with django_capture_on_commit_callbacks(execute=True):
        response = api.delete(f"/api/v1/conferences/{room.pk}/recordings")
    assert response.status_code == 200 and response.json() == {"STATUS": "OK"}
    assert list(Recording.objects.values_list("pk", flat=True)) == [kept.pk]
    assert not any(private_storage().exists(name) for name in names)
    assert private_storage().exists(kept.file.name)


def test_the_conference_lists_its_ready_recordings_without_a_query_per_room(api, business_owner):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    def count() -> int:
        with CaptureQueriesContext(connection) as queries:
            assert api.get("/api/v1/conferences/active").status_code == 200
        return len(queries)

    room = make_room(business_owner)
    count()  # the key's first use of the day is recorded once
    before = count()
    make_recording(business_owner, room)
    make_recording(business_owner, room, status=RecordingStatus.PROCESSING)
    for name in ("Second", "Third"):
        make_recording(business_owner, make_room(business_owner, name=name))
    assert count() == before
    links = api.get(f"/api/v1/conferences/{room.pk}").json()["conference"]["recorder_list"]
    assert len(links) == 1 and "/recordings/l/" in links[0]
    path = links[0].split("://", 1)[1].split("/", 1)[1]
    assert Client().get("/" + path).status_code == 200


def test_the_session_start_is_the_lobby_opening_when_nobody_started_it(api, business_owner):
    from rostrum.rooms import session_actions
    from rostrum.rooms.models import Session

    room = make_room(business_owner)
    participant = session_actions.do_join(room, key="a", display_name="Early", role="attendee")
    Session.objects.filter(pk=participant.session_id).update(created_at=START + timedelta(minutes=3))
    assert api.get(f"/api/v1/conferences/{room.pk}/sessions").json()[0]["start_date"] == "2025-03-10T17:03:00+00:00"


def test_the_answers_match_the_published_description(
    api, played, business_owner, run_tasks, django_capture_on_commit_callbacks
):
    room, session = played["room"].pk, played["session"].pk
    root = "/api/v1/conferences/{room_id}/sessions"
    conforms(api.get(base(played)), root)
    conforms(api.get(f"{base(played)}/{session}"), root + "/{session_id}")
    conforms(api.get(f"{base(played)}/{session}/attendees"), root + "/{session_id}/attendees")
    pdf = root + "/{session_id}/generate-pdf/{lang}"
    with django_capture_on_commit_callbacks(execute=True):
        conforms(api.get(f"{base(played)}/{session}/generate-pdf/en"), pdf)
    conforms(api.get(f"{base(played)}/{session}/generate-pdf/en"), pdf)
    run_tasks()
    conforms(api.get(f"{base(played)}/{session}/generate-pdf/en"), pdf)
    conforms(api.get(f"{base(played)}/{session}"), root + "/{session_id}")  # with a FINISHED entry
    make_recording(business_owner, Room.objects.get(pk=room))
    conforms(api.get(f"/api/v1/conferences/{room}/recordings"), "/api/v1/conferences/{room_id}/recordings")
    conforms(api.delete(f"/api/v1/conferences/{room}/recordings"), "/api/v1/conferences/{room_id}/recordings", "DELETE")


def test_list_queries_do_not_grow_with_the_rows(api, played, business_owner):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from rostrum.reports.tests.conftest import connect
    from rostrum.rooms.models import Participant, Session

    def count(path: str) -> int:
        with CaptureQueriesContext(connection) as queries:
            assert api.get(path).status_code == 200
        return len(queries)

    room = played["room"]
    count(base(played))  # the key's first use of the day is recorded once
    before = count(base(played))
    for number in range(3):
        session = Session.objects.create(room=room, started_at=START)
        connect(Participant.objects.create(session=session, key=f"x{number}", display_name="X"), 0, 5)
    assert count(base(played)) == before
