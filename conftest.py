"""Shared fixtures: people and accounts made through the real actions."""

import pytest
from allauth.account.models import EmailAddress
from django.core.cache import cache

from rostrum.accounts.actions import do_accept_invitation, do_create_account, do_invite_member
from rostrum.accounts.models import User

PASSWORD = "correct horse battery staple 42"


@pytest.fixture(autouse=True)
def _isolated_state(settings, tmp_path):
    """Each test gets its own var folder and an empty cache (rate limits live there)."""
    # Argon2 is the production hasher (a sign-up test checks it); a cheap one keeps fixtures fast.
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher", *settings.PASSWORD_HASHERS]
    settings.OUTBOX_DIR = tmp_path / "outbox"
    settings.MEDIA_ROOT = tmp_path / "media"
    cache.clear()
    yield
    cache.clear()


def make_user(email: str, *, first_name: str = "Test", last_name: str = "Person", **fields) -> User:
    user = User.objects.create_user(email, PASSWORD, first_name=first_name, last_name=last_name, **fields)
    EmailAddress.objects.create(user=user, email=user.email, primary=True, verified=True)
    return user


def make_owner(email: str, account_name: str):
    """A verified user owning a new free account; returns the owner's membership."""
    user = make_user(email)
    account = do_create_account(user, name=account_name, country="PL", timezone_name="Europe/Warsaw")
    return account.memberships.get(user=user)


def add_member(owner_membership, email: str, role: str):
    invitation = do_invite_member(owner_membership.account, email, role, invited_by=owner_membership.user)
    return do_accept_invitation(invitation, make_user(email))


@pytest.fixture
def owner(db):
    return make_owner("owner@acme.example", "Acme Training")


@pytest.fixture
def other_owner(db):
    return make_owner("owner@globex.example", "Globex")


@pytest.fixture
def client_for(client):
    """Log a fresh test client in as a user: ``client_for(user)``."""
    from django.test import Client

    def _client(user):
        c = Client()
        c.force_login(user, backend="django.contrib.auth.backends.ModelBackend")
        return c

    return _client
