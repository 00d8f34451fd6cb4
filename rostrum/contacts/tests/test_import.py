"""CSV import: messy files in, good rows imported, every bad row in the report, nothing lost."""

import codecs
import csv
import io

import pytest

from rostrum.contacts.constants import ImportStatus
from rostrum.contacts.models import Contact, ContactImport, ContactList
from rostrum.contacts.tests.factories import make_contact, mapping_data, upload

pytestmark = pytest.mark.django_db

POLISH = """Imię;Nazwisko;E-mail;Firma;Telefon
Zażółć;Gęślą;zazolc@example.pl;Jaźń sp. z o.o.;+48 600 100 200
Łukasz;Żółw;not-an-email;Świetna Firma;
Anna;Bez;;Źródło;
Paweł;Dąb;ZAZOLC@example.pl;Zielona łąka;
Ewa;Stara;existing@example.pl;Nowa firma;+48 22 000
"""


def start(client, committed, contact_import, mapping, **options):
    with committed():
        response = client.post(f"/contacts/import/{contact_import.pk}/", mapping_data(mapping, **options))
    assert response.status_code == 302, response.content.decode()
    contact_import.refresh_from_db()
    return contact_import


def error_rows(contact_import) -> list[list[str]]:
    with contact_import.error_report.open("rb") as report:
        return list(csv.reader(io.StringIO(report.read().decode("utf-8"))))


def test_a_cp1250_file_with_semicolons_imports_its_good_rows_and_reports_the_bad(owner, client_for, committed):
    make_contact(owner, "existing@example.pl", company="Old firm", first_name="Ewa", last_name="Stara")
    client = client_for(owner.user)
    response = upload(client, POLISH.encode("cp1250"))
    assert response.status_code == 302
    contact_import = ContactImport.objects.get()
    assert (contact_import.encoding, contact_import.delimiter, contact_import.has_header) == ("cp1250", ";", True)
    assert contact_import.mapping == ["first_name", "last_name", "email", "company", "phone"]
    preview = client.get(f"/contacts/import/{contact_import.pk}/").content.decode()
    assert "Jaźń sp. z o.o." in preview and "Łukasz" in preview

    contact_import = start(client, committed, contact_import, contact_import.mapping, policy="skip")
    assert contact_import.status == ImportStatus.DONE
    assert (contact_import.total_rows, contact_import.processed_rows) == (5, 5)
    assert (contact_import.imported_count, contact_import.skipped_count, contact_import.error_count) == (1, 1, 3)
    zazolc = Contact.objects.get(email="zazolc@example.pl")
    assert (zazolc.first_name, zazolc.company, zazolc.phone) == ("Zażółć", "Jaźń sp. z o.o.", "+48 600 100 200")
    assert Contact.objects.get(email="existing@example.pl").company == "Old firm"  # skipped, untouched
    rows = error_rows(contact_import)
    assert rows[0] == ["Row", "Reason", "Imię", "Nazwisko", "E-mail", "Firma", "Telefon"]
    assert [row[0] for row in rows[1:]] == ["3", "4", "5"]
    assert "not a valid e-mail" in rows[1][1] and rows[1][2:4] == ["Łukasz", "Żółw"]
    assert "No e-mail" in rows[2][1]
    assert "row 2" in rows[3][1]
    assert not contact_import.file  # the upload is gone once imported


def test_update_policy_updates_existing_contacts_with_the_files_values(owner, client_for, committed):
    make_contact(owner, "existing@example.pl", company="Old firm", first_name="Ewa", last_name="Stara")
    client = client_for(owner.user)
    upload(client, POLISH.encode("cp1250"))
    contact_import = start(client, committed, ContactImport.objects.get(), [
        "first_name", "last_name", "email", "company", "phone"], policy="update")  # fmt: skip
    assert (contact_import.imported_count, contact_import.updated_count, contact_import.error_count) == (1, 1, 3)
    existing = Contact.objects.get(email="existing@example.pl")
    assert (existing.company, existing.phone, existing.first_name) == ("Nowa firma", "+48 22 000", "Ewa")


def test_a_utf8_file_with_bom_and_lists_lands_in_lists(owner, client_for, committed):
    content = 'email,first_name,lists,language\nbom@example.com,Zoë,"Customers, VIP",PL\nx@example.com,X,,klingon\n'
    client = client_for(owner.user)
    upload(client, codecs.BOM_UTF8 + content.encode())
    contact_import = ContactImport.objects.get()
    assert contact_import.encoding == "utf-8-sig"
    target = ContactList.objects.create(account=owner.account, name="Spring webinar")
    contact_import = start(client, committed, contact_import, contact_import.mapping, target_list=target)
    contact = Contact.objects.get()
    assert (contact.email, contact.first_name, contact.language) == ("bom@example.com", "Zoë", "pl")
    assert set(contact.lists.values_list("name", flat=True)) == {"Customers", "VIP", "Spring webinar"}
    assert contact_import.error_count == 1 and "Unknown language" in error_rows(contact_import)[1][1]


def test_a_file_without_header_is_recognised_by_its_addresses(owner, client_for, committed):
    client = client_for(owner.user)
    upload(client, b"Ada,ada@example.com\nGrace,grace@example.com\n")
    contact_import = ContactImport.objects.get()
    assert not contact_import.has_header and contact_import.mapping == ["", "email"]
    start(client, committed, contact_import, ["first_name", "email"], has_header=False)
    assert sorted(Contact.objects.values_list("first_name", flat=True)) == ["Ada", "Grace"]


def test_a_file_without_an_email_column_is_refused_before_anything_is_imported(owner, client_for, committed):
    client = client_for(owner.user)
    upload(client, b"name,company\nAda,Analytical\n")
    contact_import = ContactImport.objects.get()
    assert (
        "We found no column with e-mail addresses"
        in client.get(f"/contacts/import/{contact_import.pk}/").content.decode()
    )
    with committed():
        response = client.post(f"/contacts/import/{contact_import.pk}/", mapping_data(["first_name", "company"]))
    assert response.status_code == 400
    assert "Choose the one column that holds e-mail addresses" in response.content.decode()
    contact_import.refresh_from_db()
    assert contact_import.status == ImportStatus.UPLOADED and not Contact.objects.exists()


def test_a_binary_or_oversized_file_is_refused_with_a_clear_message(owner, client_for, monkeypatch):
    client = client_for(owner.user)
    response = upload(client, b"PK\x03\x04\x00\x00binary spreadsheet\x00\x00", "contacts.xlsx")
    assert response.status_code == 400 and "not a CSV text file" in response.content.decode()
    assert upload(client, b"").status_code == 400
    monkeypatch.setattr("rostrum.contacts.imports.IMPORT_MAX_BYTES", 10)
    response = upload(client, b"email\nada@example.com\n")
    assert response.status_code == 400 and "larger than" in response.content.decode()
    assert not ContactImport.objects.exists()


def test_a_broken_row_and_unreadable_bytes_are_reported_and_the_rest_imported(owner, client_for, committed):
    lines = [
        b"email,first_name",
        "good1@example.com,Zoë Brontë".encode(),
        b"bad@example.com,\xff\xfe broken",
        b'quote@example.com,"' + b"x" * 20_000,  # an unclosed quote: a cell past the size limit
        "good2@example.com,Łukasz".encode(),
    ]
    client = client_for(owner.user)
    upload(client, b"\n".join(lines) + b"\n")
    contact_import = start(client, committed, ContactImport.objects.get(), ["email", "first_name"])
    assert set(Contact.objects.values_list("email", flat=True)) == {"good1@example.com", "good2@example.com"}
    report = error_rows(contact_import)
    assert [row[0] for row in report[1:]] == ["3", "4"]
    assert "could not be read in the file's encoding" in report[1][1] and "quote is not closed" in report[2][1]


def test_a_thousand_rows_import_in_batches(owner, client_for, committed):
    rows = "".join(f'person{i}@example.com;Person {i};=HYPERLINK("x")\n' for i in range(1000))
    client = client_for(owner.user)
    upload(client, ("email;name;company\n" + rows).encode())
    contact_import = start(client, committed, ContactImport.objects.get(), ["email", "first_name", "company"])
    assert (contact_import.total_rows, contact_import.imported_count, contact_import.error_count) == (1000, 1000, 0)
    assert Contact.objects.filter(account=owner.account).count() == 1000
    status = client.get(f"/contacts/import/{contact_import.pk}/status.json").json()
    assert status["is_finished"] and status["percent"] == 100 and status["imported"] == 1000
    assert client.get(f"/contacts/import/{contact_import.pk}/errors.csv").status_code == 404  # no errors


def test_progress_page_polls_an_accessible_status(owner, client_for, committed):
    client = client_for(owner.user)
    upload(client, b"email\nada@example.com\n")
    contact_import = ContactImport.objects.get()
    client.post(f"/contacts/import/{contact_import.pk}/", mapping_data(["email"]))  # queued, not run
    page = client.get(f"/contacts/import/{contact_import.pk}/progress/").content.decode()
    assert "<progress" in page and 'aria-live="polite"' in page and "status.json" in page
    assert client.get(f"/contacts/import/{contact_import.pk}/status.json").json()["status"] == "queued"


def test_another_accounts_import_is_not_found_anywhere(owner, other_owner, client_for, committed):
    theirs = client_for(other_owner.user)
    upload(theirs, b"email,name\nbad,X\nok@globex.example,Y\n")
    contact_import = start(theirs, committed, ContactImport.objects.get(), ["email", "first_name"])
    assert contact_import.error_report
    mine = client_for(owner.user)
    for suffix in ("", "progress/", "status.json", "errors.csv"):
        assert mine.get(f"/contacts/import/{contact_import.pk}/{suffix}").status_code == 404, suffix
    assert mine.post(f"/contacts/import/{contact_import.pk}/", mapping_data(["email"])).status_code == 404
    assert mine.post(f"/contacts/import/{contact_import.pk}/delete/").status_code == 404
    assert ContactImport.objects.filter(pk=contact_import.pk).exists()
    report = theirs.get(f"/contacts/import/{contact_import.pk}/errors.csv")
    assert report.status_code == 200 and b"bad" in b"".join(report.streaming_content)
