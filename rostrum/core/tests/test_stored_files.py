"""Stored files go with their rows, and only once the deletion has committed (rostrum.core.storage)."""

import logging

import pytest
from django.core.files.base import ContentFile
from django.db import transaction

from rostrum.core.storage import delete_on_commit, private_storage

pytestmark = pytest.mark.django_db


class Refused(Exception):
    pass


def save(name: str) -> str:
    return private_storage().save(name, ContentFile(b"bytes"))


def test_the_files_go_only_when_the_transaction_commits(django_capture_on_commit_callbacks):
    storage = private_storage()
    name = save("kept/until-commit.txt")
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        delete_on_commit([(storage, name)])
        assert storage.exists(name)  # not before the commit
    assert len(callbacks) == 1 and not storage.exists(name)


def test_a_rolled_back_deletion_keeps_the_files(django_capture_on_commit_callbacks):
    storage = private_storage()
    name = save("kept/rolled-back.txt")
    with django_capture_on_commit_callbacks(execute=True) as callbacks, pytest.raises(Refused), transaction.atomic():
        delete_on_commit([(storage, name)])
        raise Refused
    assert callbacks == [] and storage.exists(name)


def test_a_missing_or_undeletable_file_is_skipped_and_the_others_still_go(django_capture_on_commit_callbacks, caplog):
    storage = private_storage()
    first, last = save("gone/first.txt"), save("gone/last.txt")
    undeletable = save("gone/folder/inside.txt").rsplit("/", 1)[0]  # a folder that is not empty: storage refuses
    logs = caplog.at_level(logging.ERROR, logger="rostrum.core.storage")
    with logs, django_capture_on_commit_callbacks(execute=True):
        delete_on_commit([(storage, first), (storage, "gone/never-stored.txt"), (storage, undeletable)])
        delete_on_commit([(storage, last)])
    assert not storage.exists(first) and not storage.exists(last)
    assert [record.getMessage() for record in caplog.records] == ["Could not delete the stored file gone/folder"]


def test_empty_names_schedule_nothing(django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks() as callbacks:
        delete_on_commit([(private_storage(), ""), (private_storage(), None)])
    assert callbacks == []
