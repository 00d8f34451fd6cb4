"""E-mail on the embedded default lands in the outbox: rows for the staff page and .eml files."""

import email
import socket

import pytest
from aiosmtpd.controller import Controller
from django.core import mail
from django.core.mail import get_connection

from conftest import make_user
from rostrum.notifications.mail import build_message
from rostrum.notifications.models import OutboxMessage


@pytest.mark.django_db
def test_outbox_backend_keeps_each_message_as_a_row_and_a_file(settings):
    connection = get_connection("rostrum.notifications.backends.OutboxEmailBackend")
    message = build_message(
        "team_invitation",
        "new@acme.example",
        {"account_name": "Acme", "inviter": "Olga", "role": "Host", "accept_path": "/invitations/x/", "valid_days": 14},
    )
    message.connection = connection
    assert message.send() == 1
    row = OutboxMessage.objects.get()
    assert row.recipients == ["new@acme.example"]
    assert row.subject == "You are invited to join Acme on Rostrum"
    assert "/invitations/x/" in row.body
    with open(row.eml_path, "rb") as eml:
        parsed = email.message_from_bytes(eml.read())
    assert parsed["To"] == "new@acme.example"
    assert parsed["Subject"] == row.subject
    assert str(settings.OUTBOX_DIR) in row.eml_path


@pytest.mark.django_db
def test_staff_reads_the_outbox_and_others_cannot(client_for, owner):
    OutboxMessage.objects.create(from_email="r@x", to="a@b.example", subject="Confirm your address", body="Hello")
    staff = make_user("ops@localhost", is_staff=True)
    page = client_for(staff).get("/staff/outbox/").content.decode()
    assert "Confirm your address" in page
    detail = client_for(staff).get(f"/staff/outbox/{OutboxMessage.objects.get().pk}/").content.decode()
    assert "Hello" in detail
    assert client_for(owner.user).get("/staff/outbox/").status_code == 302


@pytest.mark.django_db
def test_empty_outbox_says_so(client_for):
    staff = make_user("ops@localhost", is_staff=True)
    assert "No e-mail has been sent yet." in client_for(staff).get("/staff/outbox/").content.decode()


class Collector:
    def __init__(self):
        self.messages = []

    async def handle_DATA(self, server, session, envelope):
        self.messages.append(envelope)
        return "250 OK"


@pytest.mark.django_db(transaction=True)
def test_sign_up_confirmation_travels_over_real_smtp(client, settings, run_tasks):
    """With an SMTP backend configured, the confirmation reaches a real SMTP server."""
    collector = Collector()
    with socket.socket() as probe:  # a free port for the SMTP server
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    controller = Controller(collector, hostname="127.0.0.1", port=port)
    controller.start()
    try:
        settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
        settings.EMAIL_HOST, settings.EMAIL_PORT = "127.0.0.1", port
        mail.outbox = []
        response = client.post(
            "/accounts/signup/",
            {
                "email": "smtp@acme.example",
                "password1": "correct horse battery staple 42",
                "password2": "correct horse battery staple 42",
                "first_name": "Sam",
                "last_name": "Smtp",
                "country": "DE",
                "timezone": "Europe/Berlin",
                "is_adult": "on",
                "is_business": "on",
            },
        )
        assert response.status_code == 302
        assert run_tasks() == 1
    finally:
        controller.stop()
    assert len(collector.messages) == 1
    envelope = collector.messages[0]
    assert envelope.rcpt_tos == ["smtp@acme.example"]
    assert b"/accounts/confirm-email/" in envelope.content


@pytest.mark.django_db
def test_failed_delivery_is_scheduled_again(settings, run_tasks):
    """A mail server that refuses the connection delays the e-mail; the task comes back later."""
    from huey.contrib.djhuey import HUEY

    from rostrum.notifications.mail import build_message, build_payload
    from rostrum.notifications.tasks import DELIVERY_RETRIES, deliver_email

    with socket.socket() as probe:  # a port nobody listens on
        probe.bind(("127.0.0.1", 0))
        closed_port = probe.getsockname()[1]
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST, settings.EMAIL_PORT = "127.0.0.1", closed_port
    context = {"account_name": "Acme", "inviter": "O", "role": "Host", "accept_path": "/i/", "valid_days": 14}
    deliver_email(build_payload(build_message("team_invitation", "late@acme.example", context)))
    assert run_tasks() == 1
    scheduled = HUEY.scheduled()
    assert len(scheduled) == 1
    assert scheduled[0].retries == DELIVERY_RETRIES - 1
    assert scheduled[0].args[0]["to"] == ["late@acme.example"]
