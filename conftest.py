"""Shared fixtures: people and accounts made through the real actions."""

import email
import email.policy
import secrets
import socket
from collections import deque
from contextlib import contextmanager

import pytest
from aiosmtpd.controller import Controller
from allauth.account.models import EmailAddress
from django.core.cache import cache
from huey.contrib import djhuey
from huey.contrib.djhuey import HUEY

from rostrum.accounts.actions import do_accept_invitation, do_create_account, do_invite_member
from rostrum.accounts.models import User

PASSWORD = "correct horse battery staple 42"
# The real-server fixtures (asgi_server, server_var_dir, migrated_sqlite ...) for any test module.
pytest_plugins = ["rostrum.core.testing.servers"]


@pytest.fixture(autouse=True)
def _isolated_state(settings, tmp_path):
    """Each test gets its own var folder and an empty cache (rate limits live there)."""
    # Argon2 is the production hasher (a sign-up test checks it); a cheap one keeps fixtures fast.
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher", *settings.PASSWORD_HASHERS]
    settings.OUTBOX_DIR = tmp_path / "outbox"
    settings.MEDIA_ROOT = tmp_path / "media"
    settings.PRIVATE_ROOT = tmp_path / "private"
    cache.clear()
    HUEY.flush()
    yield
    cache.clear()


@pytest.fixture
def run_tasks(monkeypatch):
    """Run what the task queue holds, as the worker would: ``run_tasks()`` returns how many ran.

    The worker closes its database connection around each task; here the test owns that connection
    (and its transaction), so that one step is skipped.
    """
    monkeypatch.setattr(djhuey, "close_old_connections", lambda: None)

    def _run() -> int:
        count = 0
        while (task := HUEY.dequeue()) is not None:
            HUEY.execute(task)
            count += 1
        return count

    return _run


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
def committed(django_capture_on_commit_callbacks, run_tasks):
    """``with committed(): ...`` commits (runs on-commit callbacks), then runs the queued tasks."""

    @contextmanager
    def _committed():
        with django_capture_on_commit_callbacks(execute=True):
            yield
        run_tasks()

    return _committed


@pytest.fixture
def client_for(client):
    """Log a fresh test client in as a user: ``client_for(user)``."""
    from django.test import Client

    def _client(user):
        c = Client()
        c.force_login(user, backend="django.contrib.auth.backends.ModelBackend")
        return c

    return _client


@pytest.fixture(scope="session")
def janus_node(tmp_path_factory):
    """A real Janus for this test run, with the generated configuration, on a free port."""
    from rostrum.media.process import JanusProcess

    with JanusProcess(tmp_path_factory.mktemp("janus"), secrets.token_hex(16), free_port()) as node:
        yield node


@pytest.fixture(scope="session")
def second_janus_node(janus_node, tmp_path_factory):
    """Another Janus process on this machine with the same ``api_secret`` (as production's nodes
    share one): where a webinar cascades when ``janus_node`` is full."""
    from rostrum.media.process import JanusProcess

    with JanusProcess(tmp_path_factory.mktemp("janus-b"), janus_node.api_secret, free_port()) as node:
        yield node


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


class ScriptedMailServer:
    """Accepts everything unless told otherwise: ``refuse_recipient[address] = "550 ..."``,
    ``data_replies.append("451 ...")`` for the next DATA commands."""

    def __init__(self):
        self.received = []
        self.refuse_recipient: dict[str, str] = {}
        self.data_replies: deque[str] = deque()

    async def handle_RCPT(self, server, session, envelope, address, rcpt_options):
        if address.lower() in self.refuse_recipient:
            return self.refuse_recipient[address.lower()]
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, server, session, envelope):
        if self.data_replies:
            return self.data_replies.popleft()
        self.received.append(envelope)
        return "250 OK"

    def messages(self) -> list[email.message.EmailMessage]:
        return [email.message_from_bytes(e.content, policy=email.policy.default) for e in self.received]


@pytest.fixture
def smtp_server(settings):
    """Django's SMTP backend pointed at a scripted server for this test."""
    handler = ScriptedMailServer()
    port = free_port()
    controller = Controller(handler, hostname="127.0.0.1", port=port)
    controller.start()
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST, settings.EMAIL_PORT, settings.EMAIL_TIMEOUT = "127.0.0.1", port, 5
    try:
        yield handler
    finally:
        controller.stop()


@pytest.fixture
def closed_smtp_port(settings):
    """Django's SMTP backend pointed at a port nobody listens on (connection refused)."""
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST, settings.EMAIL_PORT, settings.EMAIL_TIMEOUT = "127.0.0.1", free_port(), 5
