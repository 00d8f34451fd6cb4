"""Deleting a room deletes what its sessions stored (chat files, report PDFs) once the deletion commits."""

import pytest
from django.core.files.base import ContentFile
from django.db import transaction
from django.utils import timezone

from rostrum.api.report_pdfs import pdf_key
from rostrum.core.storage import private_storage
from rostrum.engagement.models import ChatAttachment
from rostrum.engagement.tests.factories import make_chat_attachment
from rostrum.rooms.actions import do_delete_room
from rostrum.rooms.models import Room, Session
from rostrum.rooms.tests.factories import make_room

pytestmark = pytest.mark.django_db


class Refused(Exception):
    pass


def session_with_files(room) -> tuple[Session, list[str]]:
    """An ended session with a file posted in its chat and its report as a PDF, as the API leaves it."""
    session = Session.objects.create(room=room, started_at=timezone.now(), ended_at=timezone.now())
    attachment = make_chat_attachment(session)
    storage = private_storage()
    report = storage.save(pdf_key(session, "en"), ContentFile(b"%PDF-1.4 report naming people\n"))
    return session, [attachment.file.name, report]


def test_deleting_a_room_from_its_page_removes_its_sessions_files_after_commit(owner, client_for, committed):
    room, other_room = make_room(owner), make_room(owner, name="Other room")
    _session, files = session_with_files(room)
    _second, more = session_with_files(room)
    _kept_session, kept = session_with_files(other_room)
    storage = private_storage()
    with committed():
        assert client_for(owner.user).post(f"/rooms/{room.pk}/delete/").status_code == 302
        assert all(storage.exists(name) for name in files + more)  # not before the commit
    assert list(Room.objects.all()) == [other_room]
    assert not any(storage.exists(name) for name in files + more)
    assert all(storage.exists(name) for name in kept)


def test_a_rolled_back_room_deletion_keeps_the_room_and_its_files(owner, committed):
    room = make_room(owner)
    _session, files = session_with_files(room)
    with committed(), pytest.raises(Refused), transaction.atomic():
        do_delete_room(room)
        raise Refused
    assert Room.objects.count() == 1 and ChatAttachment.objects.count() == 1
    assert all(private_storage().exists(name) for name in files)


def test_a_file_already_gone_does_not_stop_the_room_deletion(owner, committed):
    room = make_room(owner)
    _session, (chat_file, report) = session_with_files(room)
    private_storage().delete(chat_file)
    with committed():
        do_delete_room(room)
    assert not Room.objects.exists() and not private_storage().exists(report)
