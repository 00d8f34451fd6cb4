"""The public registration page: what it accepts, what it refuses, and what it never saves."""

from datetime import timedelta
from types import SimpleNamespace

import django_ratelimit.core
import pytest
from django.urls import reverse
from django.utils import timezone

from rostrum.notifications.models import OutgoingEmail
from rostrum.registration.constants import (
    REGISTER_RATE,
    RESEND_INTERVAL,
    Approval,
    FieldKind,
    MessageKind,
    RegistrantStatus,
)
from rostrum.registration.models import Registrant, RegistrantMessage, RegistrationField
from rostrum.registration.tests.factories import make_registration_room, register
from rostrum.rooms.tests.factories import make_room

pytestmark = pytest.mark.django_db


def page_url(room):
    return reverse("registration_register", args=[room.account.slug, room.slug])


def form_data(**overrides):
    return {
        "first_name": " Ada ",
        "last_name": "Lovelace",
        "email": "Ada@Example.com",
        "timezone": "Asia/Tokyo",
        **overrides,
    }


def test_a_visitor_registers_and_is_approved_automatically(owner, client, committed):
    room = make_registration_room(owner)
    page = client.get(page_url(room))
    assert page.status_code == 200
    html = page.content.decode()
    assert room.name in html and 'name="timezone"' in html and "registration/register.js" in html
    with committed():
        response = client.post(page_url(room), form_data(), HTTP_ACCEPT_LANGUAGE="de")
    assert response.status_code == 302
    assert client.get(response["Location"]).status_code == 200
    registrant = Registrant.objects.get(room=room)
    assert (registrant.first_name, registrant.email) == ("Ada", "ada@example.com")
    assert registrant.status == RegistrantStatus.APPROVED
    assert registrant.timezone == "Asia/Tokyo" and registrant.language == "de"
    assert registrant.consent_given_at is None
    sent = OutgoingEmail.objects.get(to_email="ada@example.com")
    assert sent.kind == "registration.confirmation" and sent.language == "de"
    assert registrant.messages.get().kind == MessageKind.CONFIRMATION


def test_an_unknown_time_zone_falls_back_to_the_rooms(owner, client):
    room = make_registration_room(owner)
    client.post(page_url(room), form_data(timezone="Mars/Olympus"))
    assert Registrant.objects.get().timezone == room.timezone


def test_required_questions_and_consent_must_be_answered(owner, client):
    room = make_registration_room(owner, consent_text="I agree to the terms.")
    role = RegistrationField.objects.create(
        room=room, label="Role", kind=FieldKind.CHOICE, choices="Dev\nOps", required=True, position=0
    )
    RegistrationField.objects.create(room=room, label="Notes", kind=FieldKind.TEXT, position=1)
    response = client.post(page_url(room), form_data(**{f"field_{role.pk}": ""}))
    assert response.status_code == 400
    html = response.content.decode()
    assert "Please give your consent to register." in html
    assert "This field is required." in html
    response = client.post(page_url(room), form_data(consent="on", **{f"field_{role.pk}": "CEO"}))
    assert "Select a valid choice" in response.content.decode()
    assert 'value="Lovelace"' in html  # what was typed is kept
    assert not Registrant.objects.exists()

    response = client.post(page_url(room), form_data(consent="on", **{f"field_{role.pk}": "Ops"}))
    assert response.status_code == 302
    registrant = Registrant.objects.get()
    assert registrant.answers == {str(role.pk): "Ops", str(role.pk + 1): ""}
    assert registrant.consent_given_at is not None


def test_a_filled_honeypot_is_thanked_and_nothing_is_saved_or_sent(owner, client, committed):
    room = make_registration_room(owner)
    with committed():
        response = client.post(page_url(room), form_data(website="http://spam.example"))
    assert response.status_code == 302 and response["Location"].endswith("/register/done/")
    assert not Registrant.objects.exists()
    assert not OutgoingEmail.objects.exists()


def test_too_many_attempts_from_one_address_answer_429(owner, client, monkeypatch):
    # The limiter counts in fixed one-minute windows; hold its clock so the test never straddles two.
    monkeypatch.setattr(django_ratelimit.core, "time", SimpleNamespace(time=lambda: 1_800_000_000))
    room = make_registration_room(owner)
    limit = int(REGISTER_RATE.split("/")[0])
    for number in range(limit):
        assert client.post(page_url(room), form_data(email=f"p{number}@example.com")).status_code == 302
    response = client.post(page_url(room), form_data(email="late@example.com"))
    assert response.status_code == 429
    assert not Registrant.objects.filter(email="late@example.com").exists()


def test_the_limit_counts_pending_and_approved_but_not_rejected(owner, client):
    room = make_registration_room(owner, max_registrants=2, approval=Approval.MANUAL)
    register(room, email="one@example.com")
    rejected = register(room, email="two@example.com")
    rejected.status = RegistrantStatus.REJECTED
    rejected.save()
    assert client.post(page_url(room), form_data(email="three@example.com")).status_code == 302
    full = client.post(page_url(room), form_data(email="four@example.com"))
    assert full.status_code == 409 and "no places left" in full.content.decode()
    assert client.get(page_url(room)).status_code == 409
    assert not Registrant.objects.filter(email="four@example.com").exists()


def test_registering_twice_says_so_and_sends_the_link_again_not_too_often(owner, client, committed):
    room = make_registration_room(owner)
    with committed():
        client.post(page_url(room), form_data())
    with committed():
        again = client.post(page_url(room), form_data(email="ADA@example.com", first_name="Other"))
    assert again.status_code == 400
    assert "registered already" in again.content.decode()
    assert Registrant.objects.get().first_name == "Ada"
    confirmations = OutgoingEmail.objects.filter(kind="registration.confirmation")
    assert confirmations.count() == 1  # the link went out a moment ago
    RegistrantMessage.objects.update(created_at=timezone.now() - RESEND_INTERVAL - timedelta(minutes=1))
    with committed():
        client.post(page_url(room), form_data())
        client.post(page_url(room), form_data())
    assert confirmations.count() == 2  # sent again once, then quiet


def test_a_room_without_registration_or_that_ended_has_a_clear_page(owner, client):
    off = make_room(owner, name="No registration", slug="off")
    response = client.get(page_url(off))
    assert response.status_code == 404 and "not open" in response.content.decode()
    ended = make_registration_room(
        owner, room=make_room(owner, slug="past", starts_at=timezone.now() - timedelta(days=1))
    )
    response = client.post(page_url(ended), form_data())
    assert response.status_code == 410 and "ended" in response.content.decode()
    assert not Registrant.objects.exists()


def test_manual_approval_sends_awaiting_then_the_confirmation(owner, client, client_for, committed):
    room = make_registration_room(owner, approval=Approval.MANUAL)
    with committed():
        response = client.post(page_url(room), form_data())
    assert "approves each registration" in client.get(response["Location"]).content.decode()
    registrant = Registrant.objects.get()
    assert registrant.status == RegistrantStatus.PENDING
    assert list(OutgoingEmail.objects.values_list("kind", flat=True)) == ["registration.pending"]
    with committed():
        client_for(owner.user).post(reverse("registrant_approve", args=[room.pk, registrant.pk]))
    registrant.refresh_from_db()
    assert registrant.status == RegistrantStatus.APPROVED
    assert OutgoingEmail.objects.filter(kind="registration.confirmation", to_email="ada@example.com").count() == 1


def test_the_rooms_own_entry_page_sends_visitors_to_registration(owner, client, client_for):
    room = make_registration_room(owner)
    enter = reverse("room_enter", args=[room.account.slug, room.slug])
    response = client.get(enter)
    assert response.status_code == 302 and response["Location"] == page_url(room)
    response = client.post(reverse("join"), {"number": room.number, "display_name": "Gate crasher"})
    assert response.status_code == 302 and response["Location"] == page_url(room)
    assert client_for(owner.user).get(enter).status_code == 200  # organisers enter as before
    assert "Already registered?" in client.get(page_url(room)).content.decode()
