"""Erasing an owner deletes their account with every file it stored, once the erasure commits."""

from pathlib import Path

import pytest
from django.apps import apps
from django.core.files.base import ContentFile
from django.db import models, transaction
from django.utils import timezone

from conftest import make_user
from rostrum.api.report_pdfs import pdf_key
from rostrum.contacts.models import ContactImport
from rostrum.core.storage import private_storage
from rostrum.engagement.tests.factories import make_chat_attachment
from rostrum.library.models import LibraryPage
from rostrum.library.tests.factories import image_bytes, make_library_file
from rostrum.privacy.registry import erase_user_data
from rostrum.recordings.constants import RecordingStatus
from rostrum.recordings.models import Recording
from rostrum.rooms.models import Participant, Session
from rostrum.rooms.tests.factories import make_room

pytestmark = pytest.mark.django_db

# Every model that keeps bytes in storage, each made below: a new one fails the first test until
# deleting its owner deletes its bytes too (``rostrum.core.storage.register_files_under``).
FILE_MODELS = {
    "accounts.Account",
    "contacts.ContactImport",
    "engagement.ChatAttachment",
    "library.LibraryFile",
    "library.LibraryPage",
    "recordings.Recording",
}


class Refused(Exception):
    pass


def fill_account(membership, spool: Path) -> None:
    """One of everything an account stores: its image, a library file converted into pages, a
    recording (with its folder of sources), a contact import with its error report, and a session
    of a room with a file in its chat and its report as a PDF."""
    account = membership.account
    account.image.save("logo.png", ContentFile(image_bytes()), save=True)
    library_file = make_library_file(membership)
    library_file.converted.save("converted.pdf", ContentFile(b"%PDF-1.4\n"), save=True)
    LibraryPage.objects.create(
        file=library_file, number=1, image=ContentFile(image_bytes("JPEG"), name="p1.jpg"), width=40, height=30
    )
    spool.mkdir(parents=True)
    (spool / "feed-1-audio.mjr").write_bytes(b"MJR00002")
    recording = Recording(account=account, status=RecordingStatus.READY, spool_dir=str(spool))
    recording.file.save("x.mp4", ContentFile(b"mp4"), save=True)
    contact_import = ContactImport(account=account, created_by=None, original_name="people.csv")
    contact_import.file.save("upload.csv", ContentFile(b"email\nada@example.com\n"), save=False)
    contact_import.error_report.save("errors.csv", ContentFile(b"Row,Reason\n"), save=True)
    session = Session.objects.create(room=make_room(membership), started_at=timezone.now())
    make_chat_attachment(session)
    private_storage().save(pdf_key(session, "de"), ContentFile(b"%PDF-1.4 report\n"))


def stored_files(settings) -> set[Path]:
    roots = (Path(settings.PRIVATE_ROOT), Path(settings.MEDIA_ROOT))
    return {path for root in roots if root.exists() for path in root.rglob("*") if path.is_file()}


def test_every_model_that_stores_files_is_made_here():
    with_files = {
        model._meta.label
        for model in apps.get_models()
        if model.__module__.startswith("rostrum.")
        and any(isinstance(field, models.FileField) for field in model._meta.concrete_fields)
    }
    assert with_files == FILE_MODELS


def test_erasing_an_owner_deletes_every_file_their_account_stored_after_commit(
    owner, other_owner, settings, tmp_path, committed
):
    fill_account(other_owner, tmp_path / "spool-theirs")
    theirs = stored_files(settings)
    fill_account(owner, tmp_path / "spool-mine")
    mine = stored_files(settings) - theirs
    assert len(mine) == 9
    with committed():
        erase_user_data(owner.user)
        assert stored_files(settings) == mine | theirs  # not before the commit
    assert stored_files(settings) == theirs
    assert not (tmp_path / "spool-mine").exists() and (tmp_path / "spool-theirs").exists()


def test_a_rolled_back_erasure_keeps_the_account_and_its_files(owner, settings, tmp_path, committed):
    fill_account(owner, tmp_path / "spool")
    before = stored_files(settings)
    with committed(), pytest.raises(Refused), transaction.atomic():
        erase_user_data(owner.user)
        raise Refused
    assert stored_files(settings) == before and (tmp_path / "spool" / "feed-1-audio.mjr").exists()
    assert Recording.objects.filter(account=owner.account).exists()


def test_erasing_an_attendee_deletes_the_report_pdfs_that_name_her(owner, settings, committed):
    """The API's report PDFs are snapshots naming everyone who came: hers go (the next request
    makes them again without her); a session she did not attend keeps its PDF."""
    ann = make_user("ann@visitor.example")
    room = make_room(owner)
    attended, other = (Session.objects.create(room=room, started_at=timezone.now()) for _ in range(2))
    Participant.objects.create(session=attended, key="ann", user=ann, display_name="Ann", email=ann.email)
    storage = private_storage()
    naming_her = [storage.save(pdf_key(attended, code), ContentFile(b"%PDF-1.4 Ann\n")) for code in ("en", "de")]
    not_hers = storage.save(pdf_key(other, "en"), ContentFile(b"%PDF-1.4\n"))
    with committed():
        erase_user_data(ann)
        assert all(storage.exists(name) for name in naming_her)  # not before the commit
    assert not any(storage.exists(name) for name in naming_her)
    assert storage.exists(not_hers)
