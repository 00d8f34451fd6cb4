"""Personal join links: they open the room for one approved registrant of one room, nobody else."""

import pytest
from django.core import signing
from django.urls import reverse

from rostrum.registration.actions import check_approve, check_reject
from rostrum.registration.constants import JOIN_TOKEN_SALT, Approval, RegistrantStatus
from rostrum.registration.tests.factories import make_registration_room, register
from rostrum.registration.tokens import join_path, make_join_token
from rostrum.rooms.constants import JOIN_SESSION_KEY
from rostrum.rooms.models import Participant
from rostrum.rooms.tests.factories import make_room

pytestmark = pytest.mark.django_db


def join_url(room, token):
    return reverse("registration_join", args=[room.account.slug, room.slug, token])


def test_the_link_admits_the_registrant_by_name_and_their_email_reaches_the_participant(owner, client):
    room = make_registration_room(owner)
    registrant = register(room, first_name="Ada", last_name="Lovelace", email="ada@example.com")
    response = client.get(join_path(registrant))
    lobby = reverse("room_lobby", args=[room.account.slug, room.slug])
    assert response.status_code == 302 and response["Location"] == lobby
    page = client.get(lobby)
    assert page.status_code == 200 and "Ada Lovelace" in page.content.decode()
    participant = Participant.objects.get(session__room=room)
    assert (participant.display_name, participant.email) == ("Ada Lovelace", "ada@example.com")


def test_a_password_room_needs_no_password_with_the_link(owner, client):
    room = make_registration_room(owner, room=make_room(owner, access_type="password", password="s3cret!"))
    registrant = register(room)
    assert client.get(join_path(registrant)).status_code == 302
    assert client.get(reverse("room_lobby", args=[room.account.slug, room.slug])).status_code == 200


def refused(client, room, token, status=404):
    response = client.get(join_url(room, token))
    assert response.status_code == status
    assert JOIN_SESSION_KEY not in client.session
    assert not Participant.objects.exists()
    return response


def test_a_tampered_token_is_refused(owner, client):
    room = make_registration_room(owner)
    token = make_join_token(register(room))
    refused(client, room, token[:-2] + ("AA" if not token.endswith("AA") else "BB"))
    refused(client, room, "not-a-token")


def test_a_token_forged_with_another_salt_or_for_another_registrant_is_refused(owner, client):
    room = make_registration_room(owner)
    ada = register(room)
    bob = register(room, email="bob@example.com")
    refused(client, room, signing.dumps([ada.pk, room.pk, ada.nonce], salt="another.salt"))
    refused(client, room, signing.dumps([bob.pk, room.pk, ada.nonce], salt=JOIN_TOKEN_SALT))


def test_a_link_opens_only_its_own_room(owner, client):
    room = make_registration_room(owner)
    other = make_registration_room(owner, room=make_room(owner, name="Other", slug="other"))
    token = make_join_token(register(room))
    refused(client, other, token)


def test_pending_and_rejected_registrants_are_refused_and_rejection_revokes_the_link(owner, client):
    room = make_registration_room(owner, approval=Approval.MANUAL)
    registrant = register(room)
    token = make_join_token(registrant)
    assert "awaiting" in refused(client, room, token, status=403).content.decode()
    check_reject(owner, registrant)
    refused(client, room, token)  # a new nonce: the old link names nobody now
    assert "not accepted" in refused(client, room, make_join_token(registrant), status=403).content.decode()
    check_approve(owner, registrant)
    registrant.refresh_from_db()
    assert registrant.status == RegistrantStatus.APPROVED
    refused(client, room, token)
    assert client.get(join_path(registrant)).status_code == 302
