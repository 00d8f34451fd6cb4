"""Chat archives through the API (spec §3.7): the list, and each session's transcript as a ZIP."""

import csv
import io
import random
import re
import tempfile
import zipfile

import pytest

from rostrum.api import session_shapes
from rostrum.api.session_shapes import CHAT_ZIP_IN_MEMORY
from rostrum.api.tests.conftest import error_shape
from rostrum.core.streaming import BLOCK_SIZE
from rostrum.core.testing.asgi import SYNC_FALLBACK, get_through_asgi
from rostrum.engagement.tests.factories import make_chat_attachment
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
    name = f"room-{played['room'].number}-session-{played['session'].pk}-chat"
    assert response["Content-Disposition"] == f'attachment; filename="{name}.zip"'
    content = response.getvalue()
    assert response["Content-Length"] == str(len(content))
    archive = zipfile.ZipFile(io.BytesIO(content))
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


@pytest.fixture
def chat_zip_files(monkeypatch):
    """The temporary files chat archives are written to, in the order they were made."""
    made = []

    class Recorded(tempfile.SpooledTemporaryFile):
        def __init__(self, *args, **kwargs):
            super().__init__(*args, **kwargs)
            made.append(self)

    monkeypatch.setattr(session_shapes.tempfile, "SpooledTemporaryFile", Recorded)
    return made


def chat_zip_through_asgi(api_key, session) -> tuple[zipfile.ZipFile, object, list[str]]:
    """The archive as uvicorn would send it, the response and the warnings raised meanwhile."""
    response, body, messages = get_through_asgi(f"/api/v1/chats/{session.pk}", **{"X-Api-Key": api_key})
    assert response.status_code == 200 and response["Content-Length"] == str(len(body))
    return zipfile.ZipFile(io.BytesIO(body)), response, messages


def test_under_asgi_the_zip_with_the_posted_files_goes_out_in_blocks(api, api_key, played, chat_zip_files):
    """Posted files bigger than a block and, together, than the archive kept in memory: each is
    copied into a temporary file, which goes to disk, is sent asynchronously and is closed (so
    deleted) once sent."""
    noise = random.Random(7)  # does not compress: the archive outgrows memory
    posted = {
        make_chat_attachment(played["session"], name="deck.pdf", content=content): content
        for content in (noise.randbytes(CHAT_ZIP_IN_MEMORY), noise.randbytes(BLOCK_SIZE + 1), b"")
    }
    archive, response, messages = chat_zip_through_asgi(api_key, played["session"])
    assert response.is_async and not [m for m in messages if SYNC_FALLBACK in m]
    [archive_file] = chat_zip_files
    assert archive_file._rolled and archive_file.closed  # it went to disk, and is gone
    for attachment, content in posted.items():  # one name three times: the ids keep them apart
        assert archive.read(f"files/{attachment.pk}-deck.pdf") == content
    assert archive.testzip() is None
    name = f"room-{played['room'].number}-session-{played['session'].pk}-chat"
    assert len(archive.namelist()) == 2 + len(posted) and archive.read(f"{name}.txt").startswith(b"[")
    wsgi = api.get(f"/api/v1/chats/{played['session'].pk}")
    assert dict(response.items()) == dict(wsgi.items())  # Content-Length too: the same archive
    assert response["Content-Disposition"] == f'attachment; filename="{name}.zip"'


def test_a_posted_file_whose_bytes_are_gone_is_left_out_and_the_transcript_still_names_it(api_key, played):
    gone, kept = (make_chat_attachment(played["session"], name=name) for name in ("gone.pdf", "kept.pdf"))
    gone.file.storage.delete(gone.file.name)
    archive, _response, _messages = chat_zip_through_asgi(api_key, played["session"])
    files = [member for member in archive.namelist() if member.startswith("files/")]
    assert files == [f"files/{kept.pk}-kept.pdf"]
    transcript = next(member for member in archive.namelist() if member.endswith(".txt"))
    assert f"[file: files/{gone.pk}-gone.pdf]" in archive.read(transcript).decode()


def test_another_accounts_chat_is_404(api, played, other_owner):
    theirs = play_session(other_owner)
    error_shape(api.get(f"/api/v1/chats/{theirs['session'].pk}"), 404)
    assert [chat["id"] for chat in api.get("/api/v1/chats").json()] == [played["session"].pk]


def test_the_answers_match_the_published_description(api, played):
    from rostrum.api.tests.test_sessions import conforms

    conforms(api.get("/api/v1/chats"), "/api/v1/chats")
    conforms(api.get(f"/api/v1/chats/{played['session'].pk}"), "/api/v1/chats/{session_id}")
