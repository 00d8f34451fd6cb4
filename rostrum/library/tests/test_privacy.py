"""Who uploaded a file is personal data: exported, and forgotten on erasure; an owner's erasure takes the bytes."""

import pytest

from conftest import add_member
from rostrum.accounts.constants import Role
from rostrum.library.models import LibraryFile
from rostrum.library.tests.factories import make_library_file
from rostrum.privacy.registry import erase_user_data, export_user_data

pytestmark = pytest.mark.django_db


def test_export_lists_the_files_a_person_uploaded(owner):
    make_library_file(owner, name="deck.pdf")
    rows = export_user_data(owner.user)["library.LibraryFile"]
    assert [(row["name"], row["account"]) for row in rows] == [("deck.pdf", "Acme Training")]


def test_erasing_a_host_keeps_the_accounts_files_but_forgets_the_uploader(owner):
    host = add_member(owner, "host@acme.example", Role.HOST)
    library_file = make_library_file(host, name="deck.pdf")
    erase_user_data(host.user)
    library_file.refresh_from_db()
    assert library_file.uploaded_by is None and library_file.original_name == ""
    assert library_file.file.storage.exists(library_file.file.name)


def test_erasing_an_owner_removes_their_accounts_files_and_bytes_after_commit(owner, other_owner, committed):
    mine, theirs = make_library_file(owner), make_library_file(other_owner)
    storage = mine.file.storage
    with committed():
        erase_user_data(owner.user)
        assert storage.exists(mine.file.name)  # until the erasure commits
    assert list(LibraryFile.objects.all()) == [theirs]
    assert not storage.exists(mine.file.name) and storage.exists(theirs.file.name)
