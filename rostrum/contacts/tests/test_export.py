"""CSV export: formula-safe cells, one list or all, and an export imports again unchanged."""

import csv
import io

import pytest

from rostrum.contacts.actions import check_add_to_list, check_create_list
from rostrum.contacts.models import Contact, ContactImport
from rostrum.contacts.tests.factories import make_contact, mapping_data, upload
from rostrum.contacts.unsubscribe import do_unsubscribe

pytestmark = pytest.mark.django_db


def exported(response) -> tuple[bytes, list[list[str]]]:
    content = b"".join(response.streaming_content)
    return content, list(csv.reader(io.StringIO(content.decode("utf-8-sig"))))


def test_export_neutralises_formulas_and_marks_unsubscribed(owner, client_for):
    evil = make_contact(owner, "evil@example.com", first_name="=HYPERLINK(\"http://x\")", company="@SUM(A1)",
                        phone="+48 600 100 200")  # fmt: skip
    do_unsubscribe(owner.account, "EVIL@example.com")
    vip = check_create_list(owner, "-VIP")
    check_add_to_list(owner, vip, [evil.pk])
    response = client_for(owner.user).get("/contacts/export.csv")
    assert response["Content-Type"].startswith("text/csv")
    content, rows = exported(response)
    assert content.startswith(b"\xef\xbb\xbf")  # spreadsheets then read it as UTF-8
    assert rows[0] == ["first_name", "last_name", "email", "company", "phone", "language", "lists", "unsubscribed"]
    assert rows[1] == ["'=HYPERLINK(\"http://x\")", "Lovelace", "evil@example.com", "'@SUM(A1)", "'+48 600 100 200",
                       "", "'-VIP", "yes"]  # fmt: skip


def test_export_of_one_list_holds_only_its_members(owner, client_for):
    ada, _grace = make_contact(owner, "ada@example.com"), make_contact(owner, "grace@example.com")
    speakers = check_create_list(owner, "Speakers")
    check_add_to_list(owner, speakers, [ada.pk])
    _content, rows = exported(client_for(owner.user).get(f"/contacts/export.csv?list={speakers.pk}"))
    assert [row[2] for row in rows[1:]] == ["ada@example.com"]


def test_an_export_imports_into_another_account_unchanged(owner, other_owner, client_for, committed):
    original = make_contact(owner, "ada@example.com", company="=cmd", phone="+44 20", language="de", last_name="Byron")
    for name in ("Customers", "VIP"):
        check_add_to_list(owner, check_create_list(owner, name), [original.pk])
    content, _rows = exported(client_for(owner.user).get("/contacts/export.csv"))
    other = client_for(other_owner.user)
    upload(other, content)
    contact_import = ContactImport.objects.get()
    assert contact_import.mapping[:7] == ["first_name", "last_name", "email", "company", "phone", "language", "lists"]
    with committed():
        other.post(f"/contacts/import/{contact_import.pk}/", mapping_data(contact_import.mapping))
    copy = Contact.objects.get(account=other_owner.account)
    fields = ("first_name", "last_name", "email", "company", "phone", "language")
    assert [getattr(copy, f) for f in fields] == [getattr(original, f) for f in fields]
    assert sorted(copy.lists.values_list("name", flat=True)) == ["Customers", "VIP"]
