"""An import whose worker died is failed by the sweep with a clear message; a slow one stops cleanly."""

import os
from datetime import timedelta

import pytest
from django.utils import timezone

from rostrum.contacts import importer
from rostrum.contacts.constants import IMPORT_STALLED_AFTER, ImportStatus
from rostrum.contacts.importer import do_run_import, do_sweep_stalled_imports
from rostrum.contacts.models import Contact, ContactImport
from rostrum.contacts.tasks import sweep_stalled_imports
from rostrum.contacts.tests.factories import mapping_data, upload

pytestmark = pytest.mark.django_db
ROWS = 2500  # three batches of IMPORT_BATCH_SIZE (1,000)
CONTENT = ("email,first_name\n" + "".join(f"person{i}@example.com,P{i}\n" for i in range(ROWS))).encode()


WORKING_FLUSH = importer.Importer.flush


class WorkerKilled(BaseException):
    """Stands in for the worker process dying: not an Exception, so nothing in the import catches it."""


def queued_import(client, django_capture_on_commit_callbacks) -> ContactImport:
    upload(client, CONTENT)
    contact_import = ContactImport.objects.get()
    with django_capture_on_commit_callbacks(execute=False):  # queued; no worker runs it here
        client.post(f"/contacts/import/{contact_import.pk}/", mapping_data(["email", "first_name"]))
    contact_import.refresh_from_db()
    assert contact_import.status == ImportStatus.QUEUED
    return contact_import


def die_on_second_batch(monkeypatch, before_dying=None):
    flush, calls = importer.Importer.flush, []

    def flush_then_die(self):
        calls.append(1)
        if len(calls) == 2:
            if before_dying is not None:
                before_dying()
                return flush(self)
            raise WorkerKilled
        return flush(self)

    monkeypatch.setattr(importer.Importer, "flush", flush_then_die)


def test_a_run_whose_worker_died_is_failed_by_the_sweep_and_the_page_says_what_to_do(
    owner, client_for, django_capture_on_commit_callbacks, monkeypatch, committed
):
    client = client_for(owner.user)
    contact_import = queued_import(client, django_capture_on_commit_callbacks)
    upload_path = contact_import.file.path
    die_on_second_batch(monkeypatch)
    with pytest.raises(WorkerKilled):
        do_run_import(contact_import.pk)
    contact_import.refresh_from_db()
    assert (contact_import.status, contact_import.processed_rows) == (ImportStatus.RUNNING, 1000)
    assert Contact.objects.count() == 1000  # the first batch stays

    assert do_sweep_stalled_imports(timezone.now()) == []  # within the limit: it may still be working
    assert do_sweep_stalled_imports(timezone.now() + IMPORT_STALLED_AFTER + timedelta(seconds=1)) == [contact_import.pk]
    contact_import.refresh_from_db()
    assert contact_import.status == ImportStatus.FAILED and contact_import.finished_at is not None
    expected = "The import stopped unexpectedly; 1000 rows were imported. Upload the file again to import the rest."
    assert contact_import.failure_message == expected
    assert not contact_import.file and not os.path.exists(upload_path)
    page = client.get(f"/contacts/import/{contact_import.pk}/progress/").content.decode()
    assert expected in page and 'role="alert"' in page
    status = client.get(f"/contacts/import/{contact_import.pk}/status.json").json()
    assert status["is_finished"] is True

    # Uploading the same file again imports the rest and skips the first batch.
    monkeypatch.setattr(importer.Importer, "flush", WORKING_FLUSH)
    upload(client, CONTENT)
    again = ContactImport.objects.exclude(pk=contact_import.pk).get()
    with committed():
        client.post(f"/contacts/import/{again.pk}/", mapping_data(["email", "first_name"]))
    again.refresh_from_db()
    assert (again.status, again.imported_count, again.skipped_count) == (ImportStatus.DONE, 1500, 1000)
    assert Contact.objects.count() == ROWS


def test_a_slow_worker_failed_by_the_sweep_stops_at_its_next_batch(
    owner, client_for, django_capture_on_commit_callbacks, monkeypatch
):
    contact_import = queued_import(client_for(owner.user), django_capture_on_commit_callbacks)
    later = timezone.now() + IMPORT_STALLED_AFTER + timedelta(minutes=1)
    die_on_second_batch(monkeypatch, before_dying=lambda: do_sweep_stalled_imports(later))
    do_run_import(contact_import.pk)  # the sweep runs "while" the second batch is being written
    contact_import.refresh_from_db()
    assert contact_import.status == ImportStatus.FAILED
    assert contact_import.processed_rows == 1000 and Contact.objects.count() == 1000  # batch two rolled back
    assert "1000 rows were imported" in contact_import.failure_message


def test_the_periodic_sweep_leaves_live_and_finished_imports_alone(owner, client_for, committed):
    client = client_for(owner.user)
    upload(client, b"email\na@example.com\n")
    finished = ContactImport.objects.get()
    with committed():
        client.post(f"/contacts/import/{finished.pk}/", mapping_data(["email"]))
    stale = timezone.now() - IMPORT_STALLED_AFTER - timedelta(minutes=1)
    ContactImport.objects.filter(pk=finished.pk).update(progress_at=stale)
    upload(client, b"email\nb@example.com\n")
    alive = ContactImport.objects.get(status=ImportStatus.UPLOADED)
    ContactImport.objects.filter(pk=alive.pk).update(status=ImportStatus.RUNNING, progress_at=timezone.now())
    upload(client, b"email\nc@example.com\n")
    dead = ContactImport.objects.get(status=ImportStatus.UPLOADED)
    ContactImport.objects.filter(pk=dead.pk).update(status=ImportStatus.RUNNING, progress_at=stale)

    assert sweep_stalled_imports.call_local() == 1
    statuses = dict(ContactImport.objects.values_list("pk", "status"))
    assert statuses == {finished.pk: ImportStatus.DONE, alive.pk: ImportStatus.RUNNING, dead.pk: ImportStatus.FAILED}
    assert "0 rows were imported" in ContactImport.objects.get(pk=dead.pk).failure_message
