"""A person found in address books by their e-mail can see that data and have it erased."""

import os

import pytest

from conftest import make_user
from rostrum.contacts.models import Contact, ContactImport, Invitation, Unsubscription
from rostrum.contacts.tests.factories import make_contact, mapping_data, upload
from rostrum.contacts.unsubscribe import do_unsubscribe
from rostrum.privacy.registry import erase_user_data, export_user_data
from rostrum.rooms.tests.factories import make_room

pytestmark = pytest.mark.django_db


def test_export_and_erasure_cover_contacts_unsubscriptions_invitations_and_import_reports(owner, client_for, committed):
    person = make_user("Person@Example.com")
    make_contact(owner, "person@example.com", company="Acme")
    make_contact(owner, "someone.else@example.com")
    do_unsubscribe(owner.account, "person@example.com")
    Invitation.objects.create(room=make_room(owner), email="person@example.com", sent_by=owner.user, is_skipped=True)
    client = client_for(owner.user)
    upload(client, b"email,name\nperson@example.com,Dup\nperson@example.com,Dup again\nbad,Other\n")
    contact_import = ContactImport.objects.get()
    with committed():
        client.post(f"/contacts/import/{contact_import.pk}/", mapping_data(["email", "first_name"]))
    contact_import.refresh_from_db()
    assert b"Dup again" in contact_import.error_report.open("rb").read()

    data = export_user_data(person)
    assert data["contacts.Contact"][0]["company"] == "Acme"
    assert data["contacts.Unsubscription"][0]["email"] == "person@example.com"
    assert data["contacts.Invitation"][0]["room"] == "Onboarding webinar"

    old_report = contact_import.error_report.path
    with committed():
        erase_user_data(person)
    assert list(Contact.objects.values_list("email", flat=True)) == ["someone.else@example.com"]
    assert not Unsubscription.objects.exists() and not Invitation.objects.exists()
    report = ContactImport.objects.get().error_report.open("rb").read()
    assert b"Dup again" not in report and b"bad" in report  # only the person's rows left the report
    assert not os.path.exists(old_report)  # the report as it was goes once the erasure commits


def test_erasing_the_uploader_removes_their_imports_and_files(owner, client_for, committed):
    client = client_for(owner.user)
    upload(client, b"email\nbad address\n")
    contact_import = ContactImport.objects.get()
    with committed():
        client.post(f"/contacts/import/{contact_import.pk}/", mapping_data(["email"]))
    contact_import.refresh_from_db()
    report_path = contact_import.error_report.path
    assert export_user_data(owner.user)["contacts.ContactImport"][0]["status"] == "done"
    with committed():
        erase_user_data(owner.user)
        assert os.path.exists(report_path)  # until the erasure commits
    assert not ContactImport.objects.exists()
    assert not os.path.exists(report_path)
