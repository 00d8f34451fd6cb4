"""Every model says whether it holds personal data; whoever holds it can export and erase it."""

import pytest
from django.apps import apps
from django.conf import settings
from django.db import models

from conftest import add_member
from rostrum.accounts.constants import Role
from rostrum.accounts.models import Account, Membership, User
from rostrum.core.models import AuditEntry
from rostrum.privacy.registry import (
    erase_user_data,
    export_user_data,
    models_without_personal_data,
    registrations,
)
from rostrum.rooms.models import AccessToken
from rostrum.rooms.tests.factories import make_room

# Field names that hold personal data wherever they appear.
PERSONAL_NAME_PARTS = ("email", "first_name", "last_name", "phone", "address", "ip_address", "tax_id",
                       "user_agent", "used_by_name", "display_name", "nickname", "to")  # fmt: skip


def project_models():
    return [m for m in apps.get_models() if m.__module__.startswith("rostrum.")]


def looks_personal(field) -> bool:
    if isinstance(field, models.ForeignKey) and field.related_model._meta.label == settings.AUTH_USER_MODEL:
        return True
    return any(field.name == part or field.name.endswith(part) for part in PERSONAL_NAME_PARTS)


def test_every_model_is_registered_or_declared_without_personal_data():
    registered, declared = registrations(), models_without_personal_data()
    for model in project_models():
        label = model._meta.label
        assert (label in registered) != (label in declared), f"{label}: register it with privacy, or declare it"


def test_every_personal_looking_field_is_covered():
    registered, declared = registrations(), models_without_personal_data()
    for model in project_models():
        label = model._meta.label
        for field in model._meta.concrete_fields:
            if not looks_personal(field):
                continue
            if label in declared:
                # A declared model may only point at users (as a business record), never hold contact data.
                assert isinstance(field, models.ForeignKey), f"{label}.{field.name} holds personal data"
                continue
            assert field.name in registered[label].fields, f"{label}.{field.name} is not covered by its eraser"


def test_registered_fields_exist():
    for label, registration in registrations().items():
        names = {f.name for f in registration.model._meta.concrete_fields}
        assert set(registration.fields) <= names, label


@pytest.mark.django_db
def test_export_gathers_a_persons_data_across_apps(owner):
    room = make_room(owner)
    owner.user.last_login = None
    data = export_user_data(owner.user)
    assert data["accounts.User"][0]["email"] == "owner@acme.example"
    assert data["accounts.Account"][0]["name"] == "Acme Training"
    assert data["accounts.Membership"][0]["role"] == Role.OWNER
    assert any(entry["code"] == "accounts.account.created" for entry in data["core.AuditEntry"])
    assert room.account == owner.account


@pytest.mark.django_db
def test_erasing_an_owner_deletes_their_account_and_anonymises_them(owner, other_owner):
    make_room(owner)
    host = add_member(owner, "host@acme.example", Role.HOST)
    erase_user_data(owner.user)
    owner.user.refresh_from_db()
    assert owner.user.email.startswith("erased-") and not owner.user.first_name
    assert not owner.user.is_active and not owner.user.has_usable_password()
    assert not Account.objects.filter(pk=owner.account.pk).exists()
    assert not Membership.objects.filter(user=host.user).exists()  # the account went with its rooms
    assert Account.objects.filter(pk=other_owner.account.pk).exists()
    assert not AuditEntry.objects.filter(actor=owner.user).exists()
    assert User.objects.filter(pk=host.user.pk).exists()  # a member is a person of their own


@pytest.mark.django_db
def test_erasing_forgets_names_used_with_access_tokens(owner):
    from rostrum.rooms.actions import check_enter_room, check_generate_access_tokens

    room = make_room(owner, access_type="token")
    guest = add_member(owner, "guest@acme.example", Role.ANALYST).user
    token = check_generate_access_tokens(owner, room, 1)[0]
    check_enter_room(room, display_name=guest.get_full_name(), secret=token.token)
    erase_user_data(guest)
    assert AccessToken.objects.get().used_by_name == ""
