"""Erasing a person forgets their address but not their unsubscription: a re-import stays unsubscribed."""

import hashlib
import hmac

import pytest
from django.conf import settings

from conftest import make_user
from rostrum.contacts.models import ContactImport, Invitation, UnsubscribedDigest, Unsubscription
from rostrum.contacts.tests.factories import make_contact, mapping_data, upload
from rostrum.contacts.unsubscribe import do_unsubscribe, is_unsubscribed
from rostrum.notifications.models import OutgoingEmail
from rostrum.privacy.registry import erase_user_data, models_without_personal_data
from rostrum.rooms.tests.factories import make_room

pytestmark = pytest.mark.django_db


def invite(client, room, committed, **data):
    form = {"subject": "Join {room_name}", "body": "Link: {join_link}", "language": "en", **data}
    with committed():
        return client.post(f"/rooms/{room.pk}/invite/", form)


def import_csv(client, committed, content: bytes) -> ContactImport:
    upload(client, content)
    contact_import = ContactImport.objects.filter(status="uploaded").get()
    with committed():
        client.post(f"/contacts/import/{contact_import.pk}/", mapping_data(["email", "first_name"]))
    contact_import.refresh_from_db()
    assert contact_import.status == "done"
    return contact_import


def test_an_erased_persons_unsubscription_survives_as_a_digest_and_a_reimport_stays_unsubscribed(
    owner, other_owner, client_for, committed
):
    person = make_user("Person@Example.com")
    make_contact(owner, "person@example.com")
    do_unsubscribe(owner.account, "person@example.com")
    erase_user_data(person)

    assert not Unsubscription.objects.exists()
    digest = UnsubscribedDigest.objects.get()
    expected = hmac.new(settings.SECRET_KEY.encode(), b"person@example.com", hashlib.sha256).hexdigest()
    assert (digest.account_id, digest.digest) == (owner.account.pk, expected)
    assert "person" not in digest.digest and "example" not in digest.digest  # no address in clear
    assert is_unsubscribed(owner.account, "PERSON@example.com")  # what registration's follow-ups ask
    assert not is_unsubscribed(other_owner.account, "person@example.com")  # per account

    client = client_for(owner.user)
    import_csv(client, committed, b"email,first_name\nPerson@Example.com,Back\nfresh@example.com,New\n")
    assert list(Unsubscription.objects.values_list("account", "email")) == [(owner.account.pk, "person@example.com")]
    page = client.get("/contacts/?q=person").content.decode()
    assert "person@example.com" in page and "unsubscribed" in page  # the badge is back
    assert "unsubscribed" not in client.get("/contacts/?q=fresh").content.decode()


def test_invitations_skip_an_erased_persons_address_pasted_or_reimported(owner, client_for, committed, smtp_server):
    person = make_user("person@example.com")
    do_unsubscribe(owner.account, "person@example.com")
    erase_user_data(person)
    room = make_room(owner)
    client = client_for(owner.user)

    response = invite(client, room, committed, addresses="person@example.com, other@example.com")
    assert response.status_code == 302
    assert [m["To"] for m in smtp_server.messages()] == ["other@example.com"]
    assert Invitation.objects.get(email="person@example.com").is_skipped
    assert not OutgoingEmail.objects.filter(to_email="person@example.com").exists()
    assert not Unsubscription.objects.exists()  # a pasted address is not stored in clear for it


def test_another_accounts_digest_does_not_unsubscribe_anyone_here(owner, other_owner, client_for, committed):
    person = make_user("person@example.com")
    do_unsubscribe(other_owner.account, "person@example.com")
    erase_user_data(person)
    import_csv(client_for(owner.user), committed, b"email,first_name\nperson@example.com,P\n")
    assert not Unsubscription.objects.exists()
    assert not is_unsubscribed(owner.account, "person@example.com")


def test_a_contact_typed_in_again_gets_its_unsubscription_back(owner):
    person = make_user("person@example.com")
    do_unsubscribe(owner.account, "person@example.com")
    erase_user_data(person)
    make_contact(owner, "Person@example.com")
    assert Unsubscription.objects.filter(account=owner.account, email="person@example.com").exists()


def test_the_digest_model_is_declared_as_holding_no_address_in_clear():
    assert "keyed hash" in models_without_personal_data()["contacts.UnsubscribedDigest"]
