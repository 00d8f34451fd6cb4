"""Every address-book route, every kind of visitor: anonymous, an analyst, another account's owner.

On refusal nothing changes. (The project-wide matrix in rostrum/core/tests lists these routes too.)
"""

import pytest
from django.urls import reverse

from conftest import add_member
from rostrum.accounts.constants import Role
from rostrum.contacts import urls
from rostrum.contacts.actions import check_add_to_list, check_create_list
from rostrum.contacts.models import Contact, ContactImport, ContactList, Invitation, Unsubscription
from rostrum.contacts.tests.factories import make_contact
from rostrum.rooms.tests.factories import make_room

pytestmark = pytest.mark.django_db
ARGUMENTS = {
    "contact_edit": "contact",
    "contact_delete": "contact",
    "contact_list_edit": "list",
    "contact_list_delete": "list",
    "contact_import_preview": "import",
    "contact_import_progress": "import",
    "contact_import_status": "import",
    "contact_import_errors": "import",
    "contact_import_delete": "import",
    "room_invite": "room",
}
PRIVATE = [pattern.name for pattern in urls.urlpatterns if pattern.name != "contacts_unsubscribe"]
POST_DATA = {"name": "Taken", "email": "taken@evil.example", "action": "delete", "contacts": ["1", "2"],
             "addresses": "x@evil.example", "subject": "s", "body": "b", "language": "en", "column_0": "email",
             "policy": "skip"}  # fmt: skip


@pytest.fixture
def world(owner, other_owner):
    objects = {}
    for key, membership in (("mine", owner), ("theirs", other_owner)):
        contact = make_contact(membership, f"ada@{key}.example")
        contact_list = check_create_list(membership, "Customers")
        check_add_to_list(membership, contact_list, [contact.pk])
        contact_import = ContactImport.objects.create(account=membership.account, original_name="x.csv")
        room = make_room(membership)
        objects[key] = {"contact": contact, "list": contact_list, "import": contact_import, "room": room}
    return objects


def url(name: str, world, whose: str = "mine") -> str:
    kind = ARGUMENTS.get(name)
    return reverse(name, args=[world[whose][kind].pk] if kind else [])


def state():
    return (
        sorted(Contact.objects.values_list("id", "email", "first_name")),
        sorted(ContactList.objects.values_list("id", "name")),
        sorted(ContactList.contacts.through.objects.values_list("contactlist_id", "contact_id")),
        sorted(ContactImport.objects.values_list("id", "status", "mapping")),
        Invitation.objects.count(),
        Unsubscription.objects.count(),
    )


@pytest.mark.parametrize("name", PRIVATE)
def test_anonymous_visitors_are_sent_to_log_in(client, world, name):
    before = state()
    for method in ("get", "post"):
        response = getattr(client, method)(url(name, world), POST_DATA)
        assert response.status_code in (302, 405) and "/login/" in response.get("Location", "/login/")
    assert state() == before


@pytest.mark.parametrize("name", PRIVATE)
def test_analysts_are_refused(client_for, owner, world, name):
    analyst = client_for(add_member(owner, "analyst@acme.example", Role.ANALYST).user)
    before = state()
    for method in ("get", "post"):
        assert getattr(analyst, method)(url(name, world), POST_DATA).status_code in (403, 405)
    assert state() == before


@pytest.mark.parametrize("name", list(ARGUMENTS))
def test_another_accounts_ids_answer_404(client_for, owner, world, name):
    intruder = client_for(owner.user)
    before = state()
    for method in ("get", "post"):
        assert getattr(intruder, method)(url(name, world, "theirs"), POST_DATA).status_code in (404, 405)
    assert state() == before


@pytest.mark.parametrize(
    "name", [n for n in PRIVATE if n not in ("contact_bulk", "contact_import_delete", "contact_import_errors")]
)
def test_organisers_pages_render(client_for, owner, world, name):
    response = client_for(owner.user).get(url(name, world))
    assert response.status_code in (200, 302), response.status_code  # an unstarted import's progress → preview
