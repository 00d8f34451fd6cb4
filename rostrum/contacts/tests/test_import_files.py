"""Removing an import removes its upload and its error report, once the removal commits."""

import pytest
from django.db import transaction

from rostrum.contacts.imports import do_delete_import
from rostrum.contacts.models import ContactImport
from rostrum.contacts.tests.factories import upload
from rostrum.contacts.tests.test_import import start

pytestmark = pytest.mark.django_db


class Refused(Exception):
    pass


def test_removing_an_import_not_started_removes_its_upload_after_commit(owner, client_for, committed):
    client = client_for(owner.user)
    upload(client, b"email\nada@example.com\n")
    contact_import = ContactImport.objects.get()
    storage, name = contact_import.file.storage, contact_import.file.name
    with committed():
        assert client.post(f"/contacts/import/{contact_import.pk}/delete/").status_code == 302
        assert storage.exists(name)  # until the removal commits
    assert not ContactImport.objects.exists() and not storage.exists(name)


def test_removing_a_finished_import_removes_its_error_report_after_commit(owner, client_for, committed):
    client = client_for(owner.user)
    upload(client, b"email,name\nbad,X\nok@acme.example,Y\n")
    contact_import = start(client, committed, ContactImport.objects.get(), ["email", "first_name"])
    storage, report = contact_import.error_report.storage, contact_import.error_report.name
    assert storage.exists(report)
    with committed():
        assert client.post(f"/contacts/import/{contact_import.pk}/delete/").status_code == 302
    assert not ContactImport.objects.exists() and not storage.exists(report)


def test_a_rolled_back_removal_keeps_the_import_and_its_upload(owner, client_for, committed):
    upload(client_for(owner.user), b"email\nada@example.com\n")
    contact_import = ContactImport.objects.get()
    storage, name = contact_import.file.storage, contact_import.file.name
    with committed(), pytest.raises(Refused), transaction.atomic():
        do_delete_import(contact_import)
        raise Refused
    assert ContactImport.objects.count() == 1 and storage.exists(name)
