"""Chat archives through the API (spec §3.7): the list, and each session's transcript as a ZIP."""

import csv
import io
import re
import zipfile

import pytest

from rostrum.api.tests.conftest import error_shape
from rostrum.reports.tests.conftest import play_session
from rostrum.rooms.models import Room
from rostrum.rooms.tests.factories import make_room

pytestmark = pytest.mark.django_db


@pytest.fixture
def played(business_owner):
    played = play_session(business_owner)
    Room.objects.filter(pk=played["room"].pk).update(timezone="Europe/Warsaw")
    make_room(business_owner, name="Quiet room")  # no session, no chat: not listed
    return played


def test_chats_lists_sessions_with_a_chat(api, played):
    session = played["session"]
    assert api.get("/api/v1/chats.json").json() == [
        {
            "id": session.pk,
            "name": "Spring launch",
            "time_zone": "Europe/Warsaw",
            "timezone": "Europe/Warsaw",
            "date": "2025-03-10",
            "time": "18:00:00",
            "download_link": f"http://localhost:8000/api/v1/chats/{session.pk}",
        }
    ]


def test_the_chat_zip_holds_the_reports_chat_without_attendees_private_messages(api, played):
    response = api.get(f"/api/v1/chats/{played['session'].pk}.json")
    assert response.status_code == 200 and response["Content-Type"] == "application/zip"
    archive = zipfile.ZipFile(io.BytesIO(response.content))
    name = f"room-{played['room'].number}-session-{played['session'].pk}-chat"
    assert sorted(archive.namelist()) == [f"{name}.csv", f"{name}.txt"]
    rows = list(csv.reader(io.StringIO(archive.read(f"{name}.csv").decode())))
    assert rows[0] == ["time", "author", "role", "to", "text", "deleted"]
    assert [(r[1], r[3], r[4]) for r in rows[1:]] == [
        ("Hanna Host", "everyone", "Welcome, everyone!"),
        ("Ann", "organisers", "Can I get the slides?"),
        ("Ben", "everyone", "'=SUM(A1:A9)"),
    ]
    transcript = archive.read(f"{name}.txt").decode().splitlines()
    assert len(transcript) == 3
    assert re.fullmatch(r"\[\d{4}-\d\d-\d\d \d\d:\d\d:\d\d\] Hanna Host: Welcome, everyone!", transcript[0])
    assert transcript[1].endswith("Ann → organisers: Can I get the slides?")
    assert "psst" not in archive.read(f"{name}.txt").decode()


def test_another_accounts_chat_is_404(api, played, other_owner):
    theirs = play_session(other_owner)
    error_shape(api.get(f"/api/v1/chats/{theirs['session'].pk}"), 404)
    assert [chat["id"] for chat in api.get("/api/v1/chats").json()] == [played["session"].pk]


def test_the_answers_match_the_published_description(api, played):
    from rostrum.api.tests.test_sessions import conforms

    conforms(api.get("/api/v1/chats"), "/api/v1/chats")
    conforms(api.get(f"/api/v1/chats/{played['session'].pk}"), "/api/v1/chats/{session_id}")
