"""What the outbox stores of a message: its parts, its language, allauth's mail included."""

import copy
import smtplib
from pathlib import Path

import pytest
from django.core.mail import EmailMessage

from rostrum.notifications.delivery import Outcome, classify_error
from rostrum.notifications.mail import queue_on_commit, send_on_commit
from rostrum.notifications.models import OutgoingEmail

TEST_TEMPLATES = Path(__file__).parent / "templates"


@pytest.fixture
def test_templates(settings):
    templates = copy.deepcopy(settings.TEMPLATES)
    templates[0]["DIRS"] = [*templates[0]["DIRS"], TEST_TEMPLATES]
    settings.TEMPLATES = templates


@pytest.mark.django_db
def test_html_part_is_used_when_the_template_has_one(test_templates, smtp_server, committed):
    with committed():
        row = send_on_commit("with_html", "a@acme.example", {"name": "Ann <b>"})
    assert row.html_body.strip() == "<p>Hello Ann &lt;b&gt;</p>"
    (message,) = smtp_server.messages()
    assert message.get_body(("html",)).get_content().strip() == "<p>Hello Ann &lt;b&gt;</p>"
    assert message.get_body(("plain",)).get_content().strip() == "Hello Ann <b>"


@pytest.mark.django_db
def test_a_rendered_message_goes_through_the_outbox_once_per_recipient(smtp_server, committed):
    message = EmailMessage("Hi", "Body", "Rostrum <r@localhost>", ["a@acme.example", "b@acme.example"])
    message.reply_to = ["help@acme.example"]
    message.attach("notes.txt", "some notes", "text/plain")
    with committed():
        rows = queue_on_commit(message)
    assert [row.to_email for row in rows] == ["a@acme.example", "b@acme.example"]
    received = smtp_server.messages()
    assert sorted(m["To"] for m in received) == ["a@acme.example", "b@acme.example"]
    assert {m["Reply-To"] for m in received} == {"help@acme.example"}
    assert [a.get_content() for a in received[0].iter_attachments()] == ["some notes"]


@pytest.mark.django_db
def test_a_display_name_is_kept_out_of_the_stored_address(smtp_server, committed):
    with committed():
        (row,) = queue_on_commit(EmailMessage("Hi", "Body", "r@localhost", ["Ann Example <Ann@acme.example>"]))
    assert row.to_email == "Ann@acme.example"
    assert smtp_server.received[0].rcpt_tos == ["Ann@acme.example"]


@pytest.mark.django_db
def test_a_header_with_a_line_break_is_refused_before_anything_is_stored(test_templates):
    with pytest.raises(ValueError, match="line breaks"):
        send_on_commit("with_html", "a@acme.example", {}, headers={"X-Note": "a\r\nBcc: victim@example.com"})
    assert not OutgoingEmail.objects.exists()


@pytest.mark.parametrize(
    ("error", "outcome"),
    [
        (smtplib.SMTPRecipientsRefused({"a@x": (550, b"5.1.1 No such user")}), Outcome.HARD_BOUNCE),
        (smtplib.SMTPRecipientsRefused({"a@x": (550, b"No such user")}), Outcome.HARD_BOUNCE),
        (smtplib.SMTPRecipientsRefused({"a@x": (550, b"5.7.1 Relaying denied")}), Outcome.PERMANENT),
        (smtplib.SMTPRecipientsRefused({"a@x": (552, b"5.2.2 Mailbox full")}), Outcome.PERMANENT),
        (smtplib.SMTPRecipientsRefused({"a@x": (450, b"4.2.1 Mailbox busy")}), Outcome.TEMPORARY),
        (smtplib.SMTPDataError(554, b"5.7.1 Message rejected as spam"), Outcome.PERMANENT),
        (smtplib.SMTPDataError(550, b"5.2.1 Mailbox disabled"), Outcome.HARD_BOUNCE),
        (smtplib.SMTPDataError(451, b"4.3.0 Try later"), Outcome.TEMPORARY),
        (smtplib.SMTPSenderRefused(553, b"5.7.1 Sender not allowed", "r@localhost"), Outcome.TEMPORARY),
        (smtplib.SMTPAuthenticationError(535, b"5.7.8 Bad credentials"), Outcome.TEMPORARY),
        (smtplib.SMTPServerDisconnected("Connection unexpectedly closed"), Outcome.TEMPORARY),
        (TimeoutError("timed out"), Outcome.TEMPORARY),
        (ConnectionRefusedError(111, "Connection refused"), Outcome.TEMPORARY),
        (ValueError("Header values may not contain linefeed"), Outcome.PERMANENT),
    ],
)
def test_errors_are_read_as_temporary_permanent_or_a_hard_bounce(error, outcome):
    assert classify_error(error)[0] is outcome
