"""E-mail on the embedded default lands in the outbox: rows for the staff page and .eml files."""

import email

import pytest
from django.core import mail
from django.core.mail import get_connection

from rostrum.notifications.constants import EmailStatus
from rostrum.notifications.mail import build_message, send_on_commit
from rostrum.notifications.models import OutboxMessage, OutgoingEmail

CONTEXT = {
    "account_name": "Acme",
    "inviter": "Olga",
    "role": "Host",
    "accept_path": "/invitations/x/",
    "valid_days": 14,
}


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


@pytest.mark.django_db(transaction=True)
def test_sign_up_confirmation_travels_over_real_smtp(client, smtp_server, run_tasks):
    """With an SMTP backend configured, the confirmation reaches a real SMTP server."""
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
    assert len(smtp_server.received) == 1
    row = OutgoingEmail.objects.get()
    assert (row.to_email, row.status, row.language) == ("smtp@acme.example", EmailStatus.SENT, "en")
    assert row.kind == "accounts.email_confirmation_signup"
    envelope = smtp_server.received[0]
    assert envelope.rcpt_tos == ["smtp@acme.example"]
    assert b"/accounts/confirm-email/" in envelope.content


@pytest.mark.django_db
def test_embedded_default_puts_sent_mail_in_the_local_mailbox(settings, committed):
    settings.EMAIL_BACKEND = "rostrum.notifications.backends.OutboxEmailBackend"
    with committed():
        row = send_on_commit("team_invitation", "new@acme.example", CONTEXT)
    row.refresh_from_db()
    assert row.status == EmailStatus.SENT
    delivered = OutboxMessage.objects.get()
    assert (delivered.message_id, delivered.subject) == (row.message_id, row.subject)
    with open(delivered.eml_path, "rb") as eml:
        assert email.message_from_bytes(eml.read())["Message-ID"] == row.message_id
