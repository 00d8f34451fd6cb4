"""The outbox delivers each row once, over real SMTP: retries, bounces, suppression, rollbacks."""

from datetime import UTC, datetime, timedelta

import pytest
from django.db import transaction
from django.utils import timezone
from huey.contrib.djhuey import HUEY
from icalendar import Calendar

from conftest import make_user
from rostrum.notifications.actions import INTERRUPTED_ERROR, do_claim_email, do_resend_email, retry_delay
from rostrum.notifications.constants import EmailStatus, SuppressionReason
from rostrum.notifications.ics import ICS_MIMETYPE, event_ics
from rostrum.notifications.mail import send_on_commit
from rostrum.notifications.models import OutgoingEmail, Suppression
from rostrum.notifications.suppression import is_suppressed
from rostrum.notifications.tasks import sweep_outbox

CONTEXT = {
    "account_name": "Acme",
    "inviter": "Olga",
    "role": "Host",
    "accept_path": "/invitations/x/",
    "valid_days": 14,
}


def invite(to: str, **options) -> OutgoingEmail:
    return send_on_commit("team_invitation", to, CONTEXT, **options)


def due_now(email: OutgoingEmail) -> None:
    """As if the time of its next attempt had come."""
    OutgoingEmail.objects.filter(pk=email.pk).update(next_attempt_at=timezone.now() - timedelta(seconds=1))


@pytest.mark.django_db
def test_message_arrives_in_the_recipients_language_with_its_calendar(smtp_server, committed):
    make_user("ola@acme.example", language="pl")
    starts_at = datetime(2026, 12, 3, 15, 0, tzinfo=UTC)
    calendar = event_ics(
        uid="room-123@rostrum",
        summary="Onboarding",
        description="Welcome",
        starts_at=starts_at,
        ends_at=starts_at + timedelta(hours=1),
        url="https://rostrum.example/r/123/",
    )
    with committed():
        row = invite("ola@acme.example", attachments=[("invite.ics", calendar, ICS_MIMETYPE)], kind="test.invite")

    (message,) = smtp_server.messages()
    assert message["To"] == "ola@acme.example"
    assert message["Subject"] == "Zaproszenie do Acme w Rostrum"
    assert message["Message-ID"] == row.message_id
    (attachment,) = list(message.iter_attachments())
    assert attachment.get_content_type() == "text/calendar"
    assert attachment.get_filename() == "invite.ics"
    parsed = Calendar.from_ical(attachment.get_payload(decode=True))
    assert parsed.walk("VEVENT")[0].decoded("dtstart") == starts_at
    row.refresh_from_db()
    assert (row.status, row.attempts, row.language, row.kind) == (EmailStatus.SENT, 1, "pl", "test.invite")
    assert row.sent_at is not None
    assert row.get_status_display() == "Sent"


@pytest.mark.django_db
@pytest.mark.parametrize("language", [None, "xx"])
def test_unknown_language_falls_back_to_english(smtp_server, committed, language):
    with committed():
        row = invite("nobody@acme.example", language=language)
    assert row.language == "en"
    assert smtp_server.messages()[0]["Subject"] == "You are invited to join Acme on Rostrum"


@pytest.mark.django_db
def test_extra_headers_travel_with_the_message(smtp_server, committed):
    with committed():
        invite("a@acme.example", headers={"List-Unsubscribe": "<https://rostrum.example/u/x/>"})
    assert smtp_server.messages()[0]["List-Unsubscribe"] == "<https://rostrum.example/u/x/>"


@pytest.mark.django_db
def test_rollback_leaves_no_row_and_sends_nothing(smtp_server, committed):
    with committed(), pytest.raises(RuntimeError), transaction.atomic():
        invite("a@acme.example")
        raise RuntimeError("the action failed")
    assert not OutgoingEmail.objects.exists()
    assert not smtp_server.received
    assert len(HUEY) == 0


@pytest.mark.django_db
def test_nothing_is_queued_before_commit(smtp_server, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        row = invite("a@acme.example")
    assert row.status == EmailStatus.QUEUED
    assert len(HUEY) == 0
    assert len(callbacks) == 1


@pytest.mark.django_db
def test_temporary_refusal_is_retried_later_and_delivered_exactly_once(smtp_server, committed, run_tasks):
    smtp_server.data_replies.append("451 4.3.0 Try again later")
    with committed():
        row = invite("a@acme.example")
    row.refresh_from_db()
    assert row.status == EmailStatus.RETRYING
    assert "451" in row.last_error
    assert timezone.now() + timedelta(seconds=50) < row.next_attempt_at <= timezone.now() + timedelta(minutes=1)
    assert not smtp_server.received

    sweep_outbox()
    assert run_tasks() == 1  # the sweep only: nothing is due yet
    due_now(row)
    sweep_outbox()
    assert run_tasks() == 2  # the sweep, then the delivery it enqueued
    row.refresh_from_db()
    assert (row.status, row.attempts, row.last_error) == (EmailStatus.SENT, 2, "")

    due_now(row)
    sweep_outbox()
    run_tasks()
    assert len(smtp_server.received) == 1


def test_backoff_grows_then_stays_hourly():
    delays = [retry_delay(attempt) for attempt in range(1, 8)]
    assert delays[:5] == [timedelta(minutes=m) for m in (1, 5, 15, 30, 60)]
    assert delays[5:] == [timedelta(hours=1)] * 2


@pytest.mark.django_db
def test_unreachable_server_is_retried(closed_smtp_port, committed):
    with committed():
        row = invite("a@acme.example")
    row.refresh_from_db()
    assert row.status == EmailStatus.RETRYING
    assert "ConnectionRefusedError" in row.last_error


@pytest.mark.django_db
def test_failures_for_a_day_fail_the_message(closed_smtp_port, committed, run_tasks):
    with committed():
        row = invite("a@acme.example")
    OutgoingEmail.objects.filter(pk=row.pk).update(created_at=timezone.now() - timedelta(hours=24, minutes=1))
    due_now(row)
    sweep_outbox()
    run_tasks()
    row.refresh_from_db()
    assert row.status == EmailStatus.FAILED
    assert row.attempts == 2
    assert row.last_error.startswith("Gave up after 2 attempts over 24 hours")
    assert not is_suppressed("a@acme.example")


@pytest.mark.django_db
def test_unknown_mailbox_fails_and_suppresses_later_sends(smtp_server, committed):
    smtp_server.refuse_recipient["gone@acme.example"] = "550 5.1.1 No such user"
    with committed():
        row = invite("gone@acme.example")
    row.refresh_from_db()
    assert row.status == EmailStatus.FAILED
    assert "550 5.1.1 No such user" in row.last_error
    assert Suppression.objects.get().reason == SuppressionReason.HARD_BOUNCE

    smtp_server.refuse_recipient.clear()
    with committed():
        later = invite("Gone@Acme.example")
    assert later.status == EmailStatus.SUPPRESSED
    later.refresh_from_db()
    assert (later.status, later.attempts) == (EmailStatus.SUPPRESSED, 0)
    assert not smtp_server.received


@pytest.mark.django_db
def test_policy_refusal_fails_without_suppressing_the_address(smtp_server, committed):
    smtp_server.refuse_recipient["a@acme.example"] = "550 5.7.1 Relaying denied"
    with committed():
        row = invite("a@acme.example")
    row.refresh_from_db()
    assert row.status == EmailStatus.FAILED
    assert not is_suppressed("a@acme.example")


@pytest.mark.django_db
def test_message_rejected_after_data_with_bad_mailbox_suppresses(smtp_server, committed):
    smtp_server.data_replies.append("550 5.1.1 Mailbox unknown")
    with committed():
        row = invite("a@acme.example")
    row.refresh_from_db()
    assert row.status == EmailStatus.FAILED
    assert is_suppressed("A@acme.example")


@pytest.mark.django_db
def test_address_suppressed_while_queued_is_not_sent(smtp_server, django_capture_on_commit_callbacks, run_tasks):
    with django_capture_on_commit_callbacks(execute=True):
        row = invite("a@acme.example")
    Suppression.objects.create(email="a@acme.example", reason=SuppressionReason.MANUAL)
    run_tasks()
    row.refresh_from_db()
    assert row.status == EmailStatus.SUPPRESSED
    assert not smtp_server.received


@pytest.mark.django_db
def test_a_row_is_claimed_once(committed):
    with committed():
        row = invite("a@acme.example")
    OutgoingEmail.objects.filter(pk=row.pk).update(status=EmailStatus.QUEUED)
    now = timezone.now()
    assert do_claim_email(row.pk, now) is True
    assert do_claim_email(row.pk, now) is False


@pytest.mark.django_db
def test_a_row_sent_and_enqueued_again_is_not_sent_again(smtp_server, committed, run_tasks):
    from rostrum.notifications.tasks import deliver_outgoing

    with committed():
        row = invite("a@acme.example")
    deliver_outgoing(row.pk)
    assert run_tasks() == 1
    assert len(smtp_server.received) == 1


@pytest.mark.django_db
def test_interrupted_send_fails_instead_of_going_twice_and_staff_can_resend(smtp_server, committed, run_tasks):
    with committed():
        row = invite("a@acme.example")
        fresh = invite("b@acme.example")
    smtp_server.received.clear()
    OutgoingEmail.objects.filter(pk=row.pk).update(
        status=EmailStatus.SENDING, claimed_at=timezone.now() - timedelta(minutes=16)
    )
    OutgoingEmail.objects.filter(pk=fresh.pk).update(status=EmailStatus.SENDING, claimed_at=timezone.now())
    sweep_outbox()
    assert run_tasks() == 1
    row.refresh_from_db()
    fresh.refresh_from_db()
    assert (row.status, row.last_error) == (EmailStatus.FAILED, INTERRUPTED_ERROR)
    assert fresh.status == EmailStatus.SENDING  # still in a live worker's hands
    assert not smtp_server.received

    with committed():
        assert do_resend_email(row) is True
    row.refresh_from_db()
    assert row.status == EmailStatus.SENT
    assert len(smtp_server.received) == 1


@pytest.mark.django_db
def test_lost_enqueue_is_picked_up_by_the_sweep(smtp_server, django_capture_on_commit_callbacks, run_tasks):
    with django_capture_on_commit_callbacks(execute=False):  # the enqueue never happens
        old = invite("old@acme.example")
        new = invite("new@acme.example")
    OutgoingEmail.objects.filter(pk=old.pk).update(created_at=timezone.now() - timedelta(minutes=3))
    sweep_outbox()
    assert run_tasks() == 2
    old.refresh_from_db()
    new.refresh_from_db()
    assert (old.status, new.status) == (EmailStatus.SENT, EmailStatus.QUEUED)
    assert [m["To"] for m in smtp_server.messages()] == ["old@acme.example"]
