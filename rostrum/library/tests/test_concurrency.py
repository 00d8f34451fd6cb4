"""The storage quota holds under concurrent uploads (real PostgreSQL; SQLite serialises writers anyway).

Two uploads arrive together when the plan has room for one. A barrier inside the quota check makes
both count before either saves, so the control test shows the race is real without the lock.
"""

import contextlib
import threading

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection, connections, transaction

from rostrum.library import actions, quota
from rostrum.library.errors import LibraryError
from rostrum.library.models import LibraryFile
from rostrum.library.tests.factories import image_bytes, make_library_file

pytestmark = [
    pytest.mark.django_db(transaction=True),
    pytest.mark.skipif(connection.vendor != "postgresql", reason="row locks need PostgreSQL"),
]


def upload_two_at_once(owner, monkeypatch) -> list[str]:
    content = image_bytes("PNG")
    make_library_file(owner, size=quota.storage_limit(owner.account) - len(content) - 1)  # room for one
    barrier = threading.Barrier(2)
    real_used = quota.storage_used

    def used_after_both_arrive(account):
        if transaction.get_connection().in_atomic_block:  # the second check, the one under the lock
            with contextlib.suppress(threading.BrokenBarrierError):
                barrier.wait(timeout=5)  # with the lock held, the other never arrives: go on alone
        return real_used(account)

    monkeypatch.setattr(actions, "storage_used", used_after_both_arrive)
    outcomes: list[str] = []
    start = threading.Barrier(2)

    def upload(n):
        try:
            start.wait(timeout=10)
            actions.check_upload_file(owner, SimpleUploadedFile(f"{n}.png", content))
            outcomes.append("stored")
        except LibraryError as error:
            outcomes.append(error.code)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=upload, args=(n,)) for n in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)
    return outcomes


def test_only_one_of_two_simultaneous_uploads_fits_the_quota(owner, monkeypatch, settings):
    outcomes = upload_two_at_once(owner, monkeypatch)
    assert sorted(outcomes) == ["storage_quota_exceeded", "stored"]
    assert quota.storage_used(owner.account) <= quota.storage_limit(owner.account)
    stored = sorted(p for p in settings.PRIVATE_ROOT.rglob("*") if p.is_file())
    assert len(stored) == LibraryFile.objects.count() == 2  # the refused upload left no bytes behind


def test_control_without_the_lock_both_get_in(owner, monkeypatch):
    monkeypatch.setattr(actions, "lock_account", lambda account: account)
    outcomes = upload_two_at_once(owner, monkeypatch)
    assert outcomes == ["stored", "stored"], outcomes
    assert quota.storage_used(owner.account) > quota.storage_limit(owner.account)
