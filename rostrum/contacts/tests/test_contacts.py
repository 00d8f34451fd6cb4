"""The address book: contacts and lists through the pages, and another account's ids answer 404."""

import pytest

from conftest import add_member
from rostrum.accounts.constants import Role
from rostrum.contacts.models import Contact, ContactList
from rostrum.contacts.tests.factories import make_contact

pytestmark = pytest.mark.django_db


def test_organiser_adds_edits_and_deletes_a_contact(owner, client_for):
    client = client_for(owner.user)
    response = client.post(
        "/contacts/new/",
        {"first_name": "Grace", "last_name": "Hopper", "email": " Grace@Navy.example ", "company": "Navy"},
    )
    assert response.status_code == 302
    contact = Contact.objects.get(account=owner.account)
    assert contact.email == "grace@navy.example"
    response = client.post(
        f"/contacts/{contact.pk}/", {"first_name": "Grace", "email": "grace@navy.example", "phone": "+1 555"}
    )
    assert response.status_code == 302
    contact.refresh_from_db()
    assert contact.phone == "+1 555" and contact.last_name == ""
    assert client.post(f"/contacts/{contact.pk}/delete/").status_code == 302
    assert not Contact.objects.exists()


def test_the_same_address_twice_is_refused_whatever_its_case(owner, client_for):
    make_contact(owner, "ada@example.com")
    response = client_for(owner.user).post("/contacts/new/", {"email": "ADA@example.com"})
    assert response.status_code == 400
    assert "exists already" in response.content.decode()
    assert Contact.objects.count() == 1


def test_the_same_address_in_two_accounts_is_two_contacts(owner, other_owner):
    make_contact(owner, "ada@example.com")
    make_contact(other_owner, "ada@example.com")
    assert Contact.objects.count() == 2


def test_list_page_searches_filters_and_shows_an_empty_state(owner, client_for):
    client = client_for(owner.user)
    assert "Your address book is empty" in client.get("/contacts/").content.decode()
    make_contact(owner, "ada@example.com", company="Analytical")
    make_contact(owner, "grace@example.com", first_name="Grace", last_name="Hopper")
    page = client.get("/contacts/", {"q": "analyt"}).content.decode()
    assert "ada@example.com" in page and "grace@example.com" not in page
    customers = client.post("/contacts/lists/", {"name": "Customers"})
    assert customers.status_code == 302
    contact_list = ContactList.objects.get()
    grace = Contact.objects.get(email="grace@example.com")
    client.post("/contacts/bulk/", {"action": "add", "target": contact_list.pk, "contacts": [grace.pk]})
    page = client.get("/contacts/", {"list": contact_list.pk}).content.decode()
    assert "grace@example.com" in page and "ada@example.com" not in page


def test_bulk_actions_add_remove_and_delete(owner, client_for):
    client = client_for(owner.user)
    ada, grace = make_contact(owner, "ada@example.com"), make_contact(owner, "grace@example.com")
    client.post("/contacts/lists/", {"name": "Speakers"})
    speakers = ContactList.objects.get()
    client.post("/contacts/bulk/", {"action": "add", "target": speakers.pk, "contacts": [ada.pk, grace.pk]})
    assert set(speakers.contacts.all()) == {ada, grace}
    client.post("/contacts/bulk/", {"action": "remove", "target": speakers.pk, "contacts": [ada.pk]})
    assert list(speakers.contacts.all()) == [grace]
    client.post("/contacts/bulk/", {"action": "delete", "contacts": [grace.pk]})
    assert list(Contact.objects.all()) == [ada]
    assert ContactList.objects.filter(pk=speakers.pk).exists()


def test_lists_are_renamed_and_deleted_keeping_their_contacts(owner, client_for):
    client = client_for(owner.user)
    ada = make_contact(owner, "ada@example.com")
    client.post("/contacts/lists/", {"name": "Old"})
    contact_list = ContactList.objects.get()
    contact_list.contacts.add(ada)
    assert client.post("/contacts/lists/", {"name": "Old"}).status_code == 400  # names are unique
    client.post(f"/contacts/lists/{contact_list.pk}/", {"name": "New"})
    contact_list.refresh_from_db()
    assert contact_list.name == "New"
    client.post(f"/contacts/lists/{contact_list.pk}/delete/")
    assert not ContactList.objects.exists() and Contact.objects.filter(pk=ada.pk).exists()


def test_another_accounts_contacts_and_lists_are_not_found(owner, other_owner, client_for):
    theirs = make_contact(other_owner, "secret@globex.example")
    their_list = ContactList.objects.create(account=other_owner.account, name="VIP")
    their_list.contacts.add(theirs)
    client = client_for(owner.user)
    for url in (
        f"/contacts/{theirs.pk}/",
        f"/contacts/{theirs.pk}/delete/",
        f"/contacts/lists/{their_list.pk}/",
        f"/contacts/lists/{their_list.pk}/delete/",
        f"/contacts/export.csv?list={their_list.pk}",
    ):
        assert client.get(url).status_code == 404, url
        assert client.post(url, {"name": "Mine", "email": "x@example.com"}).status_code == 404, url
    mine = ContactList.objects.create(account=owner.account, name="Mine")
    client.post("/contacts/bulk/", {"action": "add", "target": mine.pk, "contacts": [theirs.pk]})
    client.post("/contacts/bulk/", {"action": "delete", "contacts": [theirs.pk]})
    assert not mine.contacts.exists()
    theirs.refresh_from_db()
    their_list.refresh_from_db()
    assert theirs.first_name == "Ada" and their_list.name == "VIP"
    assert "secret@globex.example" not in client.get("/contacts/").content.decode()


def test_analysts_and_strangers_cannot_use_the_address_book(owner, client, client_for):
    analyst = add_member(owner, "analyst@acme.example", Role.ANALYST)
    make_contact(owner, "ada@example.com")
    assert client_for(analyst.user).get("/contacts/").status_code == 403
    assert client_for(analyst.user).post("/contacts/bulk/", {"action": "delete", "contacts": [1]}).status_code == 403
    assert client.get("/contacts/").status_code == 302  # to the login page
    assert Contact.objects.count() == 1
    host = add_member(owner, "host@acme.example", Role.HOST)
    assert "ada@example.com" in client_for(host.user).get("/contacts/").content.decode()


def test_the_contacts_page_costs_the_same_queries_for_more_contacts(owner, client_for):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    client = client_for(owner.user)
    customers = ContactList.objects.create(account=owner.account, name="Customers")

    def queries() -> int:
        with CaptureQueriesContext(connection) as captured:
            assert client.get("/contacts/").status_code == 200
        return len(captured)

    customers.contacts.add(make_contact(owner, "first@example.com"))
    few = queries()
    for i in range(20):
        customers.contacts.add(make_contact(owner, f"person{i}@example.com"))
    assert queries() == few
