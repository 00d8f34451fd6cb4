"""Files in chat over HTTP: who may post one, what it may be, who may download it, and what is kept.

The uploads go through the room page's endpoint with the browser's participant key, as chat.js sends
them; the type is read from the content by the library's sniffer (real libmagic).
"""

import functools
import io
import zipfile
from pathlib import Path

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client

from conftest import add_member
from rostrum.accounts.constants import Role
from rostrum.engagement.actions import chat, chat_files
from rostrum.engagement.models import ChatAttachment, ChatMessage
from rostrum.engagement.tests.factories import page_png
from rostrum.engagement.tests.test_presentation_views import act, as_participant
from rostrum.privacy.registry import erase_user_data, export_user_data
from rostrum.rooms import session_actions
from rostrum.rooms.constants import ParticipantRole
from rostrum.rooms.models import Participant, Room
from rostrum.rooms.tests.factories import make_room

pytestmark = pytest.mark.django_db

HTML = b"<!DOCTYPE html>\n<html><head><title>x</title></head><body><script>alert(1)</script></body></html>\n"


@functools.cache
def small_pdf() -> bytes:
    """A real one-page PDF (Pillow writes its creation time in it: made once, so always the same bytes)."""
    from PIL import Image

    buffer = io.BytesIO()
    Image.new("RGB", (60, 40), (200, 30, 30)).save(buffer, "PDF")
    return buffer.getvalue()


@pytest.fixture
def live(owner):
    """A started webinar (files not allowed yet): Hanna hosts, Ann attends; Otto is in another room's session."""
    room = make_room(owner, name="Files room")
    host = session_actions.do_join(room, key="host-key", display_name="Hanna", role=ParticipantRole.HOST)
    act(host, session_actions.check_start_session)
    ann = session_actions.do_join(room, key="ann-key", display_name="Ann", role=ParticipantRole.ATTENDEE)
    other_room = make_room(owner, name="Other room")
    other_host = session_actions.do_join(other_room, key="oh-key", display_name="Olga", role=ParticipantRole.HOST)
    act(other_host, session_actions.check_start_session)
    otto = session_actions.do_join(other_room, key="otto-key", display_name="Otto", role=ParticipantRole.ATTENDEE)
    return {"room": room, "session": host.session, "host": host, "ann": ann, "otto": otto}


def upload_url(session) -> str:
    return f"/live/sessions/{session.pk}/chat-files/"


def post_file(client: Client, session, name: str, content: bytes, text: str = ""):
    return client.post(upload_url(session), {"file": SimpleUploadedFile(name, content), "text": text})


def stored_chat_files(settings) -> list[Path]:
    folder = Path(settings.PRIVATE_ROOT) / "chat"
    return [path for path in folder.rglob("*") if path.is_file()] if folder.exists() else []


def allow_files(live, allowed: bool = True) -> None:
    act(live["host"], chat_files.check_allow_files, allowed)


def test_an_attendee_may_send_a_file_only_once_the_host_allows_it(live, settings):
    ann = as_participant(live["ann"])
    refused = post_file(ann, live["session"], "notes.pdf", small_pdf())
    assert refused.status_code == 403
    assert refused.json() == {
        "code": "files_not_allowed",
        "message": "The organisers do not allow files in the chat right now.",
    }
    assert not ChatAttachment.objects.exists() and not ChatMessage.objects.exists()
    assert stored_chat_files(settings) == []

    allow_files(live)
    assert Room.objects.get(pk=live["room"].pk).chat_files_allowed  # the room's setting, kept for next time
    response = post_file(ann, live["session"], "notes.pdf", small_pdf(), text="  my notes  ")
    assert response.status_code == 201, response.content
    attachment = ChatAttachment.objects.get()
    assert response.json()["attachment"] == {
        "id": attachment.pk,
        "name": "notes.pdf",
        "size": len(small_pdf()),
        "content_type": "application/pdf",
        "url": f"/live/chat-files/{attachment.pk}/",
    }
    assert attachment.message.text == "my notes" and attachment.message.author == live["ann"]
    assert not attachment.message.is_private
    assert attachment.file.name.startswith(f"chat/{live['session'].pk}/") and "notes" not in attachment.file.name
    assert attachment.file.read() == small_pdf()

    allow_files(live, False)
    assert post_file(ann, live["session"], "again.pdf", small_pdf()).json()["code"] == "files_not_allowed"
    assert ChatAttachment.objects.count() == 1


def test_organisers_may_always_send_files(live):
    response = post_file(as_participant(live["host"]), live["session"], "agenda.pdf", small_pdf())
    assert response.status_code == 201
    assert ChatAttachment.objects.get().uploaded_by == live["host"]


def test_the_type_is_read_from_the_content_not_the_name(live, settings):
    allow_files(live)
    ann = as_participant(live["ann"])
    response = post_file(ann, live["session"], "invoice.pdf", HTML)
    assert response.status_code == 415
    assert response.json()["code"] == "unsupported_type"
    assert "text/html" in response.json()["message"]
    svg = b'<?xml version="1.0"?><svg xmlns="http://www.w3.org/2000/svg"><script>alert(1)</script></svg>'
    assert post_file(ann, live["session"], "logo.png", svg).json()["code"] == "unsupported_type"
    archive = io.BytesIO()
    with zipfile.ZipFile(archive, "w") as zipped:
        zipped.writestr("a.txt", "hello")
    assert post_file(ann, live["session"], "report.docx", archive.getvalue()).json()["code"] == "unsupported_type"
    assert not ChatAttachment.objects.exists() and stored_chat_files(settings) == []

    picture = page_png((10, 120, 200))
    response = post_file(ann, live["session"], "holiday.txt", picture)
    assert response.status_code == 201
    assert response.json()["attachment"]["content_type"] == "image/png"
    assert post_file(ann, live["session"], "list.csv", b"name,score\nAnn,3\nBob,5\n").status_code == 201


def test_a_file_over_the_limit_is_refused_and_nothing_is_kept(live, settings):
    settings.CHAT_FILE_MAX_BYTES = 2000
    allow_files(live)
    ann = as_participant(live["ann"])
    big = page_png((1, 2, 3), width=400, height=400) + b"\0" * 2000
    response = post_file(ann, live["session"], "big.png", big)
    assert response.status_code == 413
    assert response.json() == {
        "code": "file_too_large",
        "message": "The file is larger than 2.0\xa0KB, the most a file in chat may be.",
    }
    empty = post_file(ann, live["session"], "empty.txt", b"")
    assert empty.json()["code"] == "empty_file"
    # A body much larger than the limit is refused on its declared length, before it is read.
    huge = post_file(ann, live["session"], "huge.txt", b"x" * (2000 + 70 * 1024))
    assert huge.status_code == 413 and huge.json()["code"] == "file_too_large"
    assert not ChatAttachment.objects.exists() and not ChatMessage.objects.exists()
    assert stored_chat_files(settings) == []


def test_the_sessions_total_and_the_senders_pace_are_capped(live, settings, monkeypatch):
    allow_files(live)
    ann = as_participant(live["ann"])
    settings.CHAT_FILES_SESSION_MAX_BYTES = len(small_pdf()) * 2
    assert post_file(ann, live["session"], "1.pdf", small_pdf()).status_code == 201
    assert post_file(ann, live["session"], "2.pdf", small_pdf()).status_code == 201
    full = post_file(ann, live["session"], "3.pdf", small_pdf())
    assert full.status_code == 413 and full.json()["code"] == "session_files_full"
    settings.CHAT_FILES_SESSION_MAX_BYTES = 10**9
    monkeypatch.setattr(chat, "CHAT_RATE_COUNT", 100)  # the chat's own pace is checked separately
    for number in range(8):
        assert post_file(ann, live["session"], f"{number}.pdf", small_pdf()).status_code == 201
    too_fast = post_file(ann, live["session"], "11.pdf", small_pdf())
    assert too_fast.status_code == 429
    assert too_fast.json()["message"] == "You are sending files too fast: at most 10 files in 60 seconds."
    assert ChatAttachment.objects.count() == 10 == len(stored_chat_files(settings))


def test_the_chats_own_rules_apply_to_files(live, settings):
    allow_files(live)
    ann = as_participant(live["ann"])
    act(live["host"], chat.check_mute_participant_chat, live["ann"].pk, True)
    assert post_file(ann, live["session"], "a.pdf", small_pdf()).json()["code"] == "chat_muted"
    act(live["host"], chat.check_mute_participant_chat, live["ann"].pk, False)
    act(live["host"], chat.check_lock_chat, True)
    assert post_file(ann, live["session"], "a.pdf", small_pdf()).json()["code"] == "chat_locked"
    act(live["host"], chat.check_lock_chat, False)
    act(live["host"], session_actions.check_end_session)
    ended = post_file(ann, live["session"], "a.pdf", small_pdf())
    assert ended.status_code == 409 and ended.json() == {"code": "session_ended", "message": "The session has ended."}
    assert not ChatAttachment.objects.exists() and stored_chat_files(settings) == []


def test_someone_outside_the_session_cannot_upload(live, settings):
    allow_files(live)
    pdf = small_pdf()
    assert post_file(as_participant(live["otto"]), live["session"], "x.pdf", pdf).status_code == 404
    assert post_file(Client(), live["session"], "x.pdf", pdf).status_code == 404
    Participant.objects.filter(pk=live["ann"].pk).update(is_expelled=True)
    assert post_file(as_participant(live["ann"]), live["session"], "x.pdf", pdf).status_code == 404
    assert as_participant(live["host"]).get(upload_url(live["session"])).status_code == 405
    assert not ChatAttachment.objects.exists() and stored_chat_files(settings) == []


def test_no_file_and_a_long_caption_are_refused_clearly(live):
    allow_files(live)
    ann = as_participant(live["ann"])
    missing = ann.post(upload_url(live["session"]), {"text": "where is it"})
    assert missing.status_code == 400 and missing.json() == {"code": "no_file", "message": "Choose a file to send."}
    long = post_file(ann, live["session"], "a.pdf", small_pdf(), text="x" * 2001)
    assert long.status_code == 400 and long.json()["code"] == "invalid"
    assert not ChatMessage.objects.exists()


def test_the_name_is_cleaned_and_shortened(live):
    response = post_file(
        as_participant(live["host"]), live["session"], "../../etc/" + "é" * 300 + "\x07.pdf", small_pdf()
    )
    name = response.json()["attachment"]["name"]
    assert "/" not in name and "\x07" not in name and len(name) == 200


def test_a_failure_after_storing_deletes_the_bytes(live, settings, monkeypatch):
    allow_files(live)

    def fail(*args, **kwargs):
        raise RuntimeError("the database went away")

    monkeypatch.setattr(chat_files, "do_post_file", fail)
    with pytest.raises(RuntimeError):
        post_file(as_participant(live["ann"]), live["session"], "a.pdf", small_pdf())
    assert not ChatAttachment.objects.exists() and not ChatMessage.objects.exists()
    assert stored_chat_files(settings) == []


def test_participants_of_the_session_download_it_as_an_attachment(live):
    allow_files(live)
    post_file(as_participant(live["ann"]), live["session"], "holiday.txt", page_png((10, 120, 200)))
    attachment = ChatAttachment.objects.get()
    url = f"/live/chat-files/{attachment.pk}/"
    response = as_participant(live["host"]).get(url)
    assert response.status_code == 200
    assert response["Content-Type"] == "image/png"
    assert (
        response["Content-Disposition"].startswith("attachment;") and "holiday.txt" in response["Content-Disposition"]
    )
    assert response["X-Content-Type-Options"] == "nosniff"
    assert b"".join(response.streaming_content) == page_png((10, 120, 200))
    assert as_participant(live["ann"]).get(url).status_code == 200

    assert as_participant(live["otto"]).get(url).status_code == 404  # another session's participant
    assert Client().get(url).status_code == 404
    assert as_participant(live["ann"]).get(f"/live/chat-files/{attachment.pk + 1}/").status_code == 404
    act(live["host"], chat.check_delete_message, attachment.message_id)  # a deleted message's file is gone
    assert as_participant(live["ann"]).get(url).status_code == 404


def test_the_session_report_lists_the_file_and_its_members_download_it(live, owner, other_owner, client_for):
    post_file(as_participant(live["host"]), live["session"], "slides.pdf", small_pdf(), text="the slides")
    attachment = ChatAttachment.objects.get()
    room, session = live["room"], live["session"]
    analyst = client_for(add_member(owner, "analyst@acme.example", Role.ANALYST).user)
    page = analyst.get(f"/rooms/{room.pk}/sessions/{session.pk}/")
    url = f"/rooms/{room.pk}/sessions/{session.pk}/chat-files/{attachment.pk}/"
    assert page.status_code == 200
    html = page.content.decode()
    assert f'href="{url}"' in html and "slides.pdf" in html and "the slides" in html
    response = analyst.get(url)
    assert response.status_code == 200 and b"".join(response.streaming_content) == small_pdf()
    assert response["Content-Disposition"].startswith("attachment;")
    assert client_for(other_owner.user).get(url).status_code == 404
    other_room = make_room(owner, name="Another of ours")
    assert analyst.get(f"/rooms/{other_room.pk}/sessions/{session.pk}/chat-files/{attachment.pk}/").status_code == 404


def test_the_api_chat_archive_holds_the_files(live, owner):
    from rostrum.api.session_shapes import build_chat_zip

    post_file(as_participant(live["host"]), live["session"], "slides.pdf", small_pdf(), text="the slides")
    attachment = ChatAttachment.objects.get()
    with build_chat_zip(live["session"]) as stored, zipfile.ZipFile(stored) as archive:
        assert archive.read(f"files/{attachment.pk}-slides.pdf") == small_pdf()
        transcript = next(name for name in archive.namelist() if name.endswith(".txt"))
        assert f"the slides [file: files/{attachment.pk}-slides.pdf]" in archive.read(transcript).decode()


def test_privacy_export_lists_a_persons_files_and_erasure_removes_them(
    live, settings, django_capture_on_commit_callbacks
):
    from conftest import make_user

    person = make_user("ann@example.com")
    Participant.objects.filter(pk=live["ann"].pk).update(user=person)
    allow_files(live)
    post_file(as_participant(live["ann"]), live["session"], "mine.pdf", small_pdf())
    post_file(as_participant(live["host"]), live["session"], "hosts.pdf", small_pdf())
    exported = export_user_data(person)["engagement.ChatAttachment"]
    assert [(entry["name"], entry["content_type"]) for entry in exported] == [("mine.pdf", "application/pdf")]
    assert len(stored_chat_files(settings)) == 2
    with django_capture_on_commit_callbacks(execute=True):
        erase_user_data(person)
    assert list(ChatAttachment.objects.values_list("name", flat=True)) == ["hosts.pdf"]
    assert [path.read_bytes() for path in stored_chat_files(settings)] == [small_pdf()]
    assert not ChatMessage.objects.filter(author=live["ann"]).exists()


def test_the_room_form_setting_lets_attendees_send_files_from_the_start(owner):
    room = make_room(owner, name="Open files room", chat_files_allowed=True)  # through RoomForm
    assert room.chat_files_allowed
    host = session_actions.do_join(room, key="h", display_name="Hanna", role=ParticipantRole.HOST)
    act(host, session_actions.check_start_session)
    ann = session_actions.do_join(room, key="a", display_name="Ann", role=ParticipantRole.ATTENDEE)
    assert post_file(as_participant(ann), ann.session, "a.pdf", small_pdf()).status_code == 201
