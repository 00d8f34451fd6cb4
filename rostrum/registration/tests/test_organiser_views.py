"""The organiser's pages: settings, questions, registrants; and that nobody else reaches them."""

import csv
import io

import pytest
from django.urls import reverse

from conftest import add_member
from rostrum.accounts.constants import Role
from rostrum.core.models import AuditEntry
from rostrum.registration.constants import Approval, FieldKind, RegistrantStatus
from rostrum.registration.models import Registrant, RegistrationField, RegistrationSettings
from rostrum.registration.tests.factories import make_registration_room, register
from rostrum.rooms.tests.factories import make_room

pytestmark = pytest.mark.django_db


def settings_data(**overrides):
    return {
        "enabled": "on",
        "approval": "automatic",
        "max_registrants": "",
        "consent_text": "",
        "reminder_day_before": "on",
        "reminder_hour_before": "on",
        "follow_up_text": "",
        **overrides,
    }


def test_organiser_switches_registration_on_with_manual_approval_and_a_limit(owner, client_for):
    room = make_room(owner)
    client = client_for(owner.user)
    page = client.get(reverse("room_detail", args=[room.pk]))
    assert reverse("registration_settings", args=[room.pk]) in page.content.decode()

    response = client.post(
        reverse("registration_settings", args=[room.pk]),
        settings_data(approval="manual", max_registrants="50", consent_text=" I agree to be e-mailed. "),
    )
    assert response.status_code == 302
    registration = RegistrationSettings.objects.get(room=room)
    assert registration.enabled and registration.approval == Approval.MANUAL
    assert registration.max_registrants == 50 and registration.consent_text == "I agree to be e-mailed."
    assert not registration.follow_up_enabled
    assert AuditEntry.objects.filter(code="registration.settings.switched", account=owner.account).exists()


def test_a_limit_below_one_is_refused_and_nothing_changes(owner, client_for):
    room = make_registration_room(owner, max_registrants=10)
    response = client_for(owner.user).post(
        reverse("registration_settings", args=[room.pk]), settings_data(max_registrants="0")
    )
    assert response.status_code == 400
    assert "at least 1" in response.content.decode()
    assert RegistrationSettings.objects.get(room=room).max_registrants == 10


def test_questions_are_added_edited_reordered_and_removed(owner, client_for):
    room = make_registration_room(owner)
    client = client_for(owner.user)
    add = reverse("registration_field_add", args=[room.pk])
    assert client.post(add, {"label": "Company", "kind": "text"}).status_code == 302
    assert (
        client.post(add, {"label": "Role", "kind": "choice", "choices": "Dev\n\n Ops \n", "required": "on"}).status_code
        == 302
    )
    company, role = RegistrationField.objects.filter(room=room)
    assert (company.position, role.position) == (0, 1)
    assert role.choices == "Dev\nOps" and role.required

    client.post(reverse("registration_field_move", args=[room.pk, role.pk]), {"direction": "up"})
    assert [f.label for f in RegistrationField.objects.filter(room=room)] == ["Role", "Company"]

    edit = reverse("registration_field_edit", args=[room.pk, company.pk])
    assert client.post(edit, {"label": "Newsletter?", "kind": "checkbox", "choices": "x\ny"}).status_code == 302
    company.refresh_from_db()
    assert company.kind == FieldKind.CHECKBOX and company.choices == ""

    client.post(reverse("registration_field_delete", args=[room.pk, role.pk]))
    assert list(RegistrationField.objects.filter(room=room)) == [company]


def test_a_choice_needs_two_distinct_choices(owner, client_for):
    room = make_registration_room(owner)
    response = client_for(owner.user).post(
        reverse("registration_field_add", args=[room.pk]), {"label": "Role", "kind": "choice", "choices": "Dev\nDev"}
    )
    assert response.status_code == 400
    assert not RegistrationField.objects.exists()


def test_registrants_are_listed_filtered_approved_rejected_and_removed(owner, client_for):
    room = make_registration_room(owner, approval=Approval.MANUAL, max_registrants=5)
    ada = register(room)
    bob = register(room, first_name="Bob", email="bob@example.com")
    client = client_for(owner.user)
    listing = client.get(reverse("registrant_list", args=[room.pk]))
    assert "2 registrants of 5 places" in listing.content.decode()

    client.post(reverse("registrant_approve", args=[room.pk, ada.pk]))
    client.post(reverse("registrant_reject", args=[room.pk, bob.pk]))
    ada.refresh_from_db(), bob.refresh_from_db()
    assert (ada.status, bob.status) == (RegistrantStatus.APPROVED, RegistrantStatus.REJECTED)

    pending_only = client.get(reverse("registrant_list", args=[room.pk]), {"status": "approved"})
    assert list(pending_only.context["registrants"]) == [ada]

    confirm = client.get(reverse("registrant_remove", args=[room.pk, bob.pk]))
    assert confirm.status_code == 200 and Registrant.objects.filter(pk=bob.pk).exists()
    client.post(reverse("registrant_remove", args=[room.pk, bob.pk]))
    assert not Registrant.objects.filter(pk=bob.pk).exists()


def test_csv_export_has_standard_fields_answers_status_and_consent(owner, client_for):
    room = make_registration_room(owner, consent_text="OK to e-mail me")
    company = RegistrationField.objects.create(room=room, label="Company", kind=FieldKind.TEXT, position=0)
    news = RegistrationField.objects.create(room=room, label="News", kind=FieldKind.CHECKBOX, position=1)
    register(room, first_name="=cmd()", consent="on", **{f"field_{company.pk}": "@Acme", f"field_{news.pk}": "on"})
    response = client_for(owner.user).get(reverse("registrants_csv", args=[room.pk]))
    assert response["Content-Type"].startswith("text/csv")
    header, row = list(csv.reader(io.StringIO(response.content.decode())))
    assert header[:5] == ["first_name", "last_name", "email", "Company", "News"]
    assert header[5:8] == ["status", "registered_at", "consent_given_at"]
    assert row[:6] == ["'=cmd()", "Lovelace", "ada@example.com", "'@Acme", "yes", "approved"]
    assert row[6] and row[7]  # registered at, consent given at


ROUTES = [
    ("registration_settings", False, "get"),
    ("registration_field_add", False, "post"),
    ("registration_field_edit", "field", "post"),
    ("registration_field_delete", "field", "post"),
    ("registration_field_move", "field", "post"),
    ("registrant_list", False, "get"),
    ("registrants_csv", False, "get"),
    ("registrant_approve", "registrant", "post"),
    ("registrant_reject", "registrant", "post"),
    ("registrant_remove", "registrant", "post"),
]


def _url(name, kind, room, field, registrant):
    extra = {"field": [field.pk], "registrant": [registrant.pk]}.get(kind, [])
    return reverse(name, args=[room.pk, *extra])


@pytest.mark.parametrize(("name", "kind", "method"), ROUTES)
def test_another_accounts_member_gets_404_and_nothing_changes(name, kind, method, owner, other_owner, client_for):
    room = make_registration_room(owner, approval=Approval.MANUAL)
    field = RegistrationField.objects.create(room=room, label="Company", position=0)
    registrant = register(room)
    stranger = client_for(other_owner.user)
    # Their own room's id with our field and registrant ids, and our room's id: both not found.
    own_room = make_room(other_owner)
    for url in (_url(name, kind, room, field, registrant), _url(name, kind, own_room, field, registrant)):
        if kind is False and url.startswith(f"/rooms/{own_room.pk}/"):
            continue  # their own room's page is theirs to see
        response = getattr(stranger, method)(url, {"label": "Hacked", "kind": "text", "direction": "up"})
        assert response.status_code == 404, url
    field.refresh_from_db(), registrant.refresh_from_db()
    assert field.label == "Company" and registrant.status == RegistrantStatus.PENDING
    assert RegistrationField.objects.filter(room=own_room).count() == 0


@pytest.mark.parametrize(("name", "kind", "method"), ROUTES)
def test_an_analyst_may_not_manage_registration(name, kind, method, owner, client_for):
    room = make_registration_room(owner, approval=Approval.MANUAL)
    field = RegistrationField.objects.create(room=room, label="Company", position=0)
    registrant = register(room)
    analyst = add_member(owner, "analyst@acme.example", Role.ANALYST)
    response = getattr(client_for(analyst.user), method)(_url(name, kind, room, field, registrant))
    assert response.status_code == 403
    registrant.refresh_from_db()
    assert registrant.status == RegistrantStatus.PENDING and RegistrationField.objects.count() == 1


@pytest.mark.parametrize(("name", "kind", "method"), ROUTES)
def test_anonymous_visitors_are_sent_to_log_in(name, kind, method, owner, client):
    room = make_registration_room(owner)
    field = RegistrationField.objects.create(room=room, label="Company", position=0)
    registrant = register(room)
    response = getattr(client, method)(_url(name, kind, room, field, registrant))
    assert response.status_code == 302 and "/accounts/login/" in response["Location"]
