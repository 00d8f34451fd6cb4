"""The outbox's personal data is exported and erased with the person it was sent to."""

from pathlib import Path

import pytest
from django.core.mail import EmailMessage
from django.db import transaction

from conftest import make_user
from rostrum.notifications.constants import EmailStatus, SuppressionReason
from rostrum.notifications.mail import send_on_commit
from rostrum.notifications.models import OutboxMessage, OutgoingAttachment, OutgoingEmail, Suppression
from rostrum.notifications.suppression import do_suppress
from rostrum.privacy.registry import erase_user_data, export_user_data

CONTEXT = {"account_name": "Acme", "inviter": "Olga", "role": "Host", "accept_path": "/i/", "valid_days": 14}


@pytest.mark.django_db
def test_outgoing_email_is_exported_and_erased_but_its_status_stays():
    person = make_user("Ann@acme.example")
    mine = send_on_commit(
        "team_invitation", "ann@acme.example", CONTEXT, attachments=[("a.ics", b"X", "text/calendar")]
    )
    other = send_on_commit("team_invitation", "bob@acme.example", CONTEXT)
    do_suppress("ann@acme.example", SuppressionReason.HARD_BOUNCE)

    data = export_user_data(person)
    assert [e["to"] for e in data["notifications.OutgoingEmail"]] == ["ann@acme.example"]
    assert data["notifications.OutgoingEmail"][0]["attachments"] == ["a.ics"]
    assert data["notifications.OutgoingAttachment"][0]["filename"] == "a.ics"
    assert data["notifications.Suppression"][0]["reason"] == SuppressionReason.HARD_BOUNCE

    erase_user_data(person)
    mine.refresh_from_db()
    assert (mine.to_email, mine.subject, mine.body, mine.status) == ("", "", "", EmailStatus.QUEUED)
    assert not OutgoingAttachment.objects.exists()
    assert not Suppression.objects.exists()
    assert OutgoingEmail.objects.get(pk=other.pk).to_email == "bob@acme.example"


class Refused(Exception):
    pass


def outbox_message(settings, to: str) -> Path:
    settings.EMAIL_BACKEND = "rostrum.notifications.backends.OutboxEmailBackend"
    EmailMessage("Hello", "Body", "no-reply@localhost", [to]).send()
    return Path(OutboxMessage.objects.filter(to=to).get().eml_path)


@pytest.mark.django_db
def test_the_outbox_copy_goes_once_the_erasure_commits(settings, committed):
    person = make_user("ann@acme.example")
    mine, theirs = outbox_message(settings, "ann@acme.example"), outbox_message(settings, "bob@acme.example")
    with committed():
        erase_user_data(person)
        assert mine.exists()  # not before the commit
    assert not mine.exists() and theirs.exists()
    assert list(OutboxMessage.objects.values_list("to", flat=True)) == ["bob@acme.example"]


@pytest.mark.django_db
def test_a_rolled_back_erasure_keeps_the_outbox_copy(settings, committed):
    person = make_user("ann@acme.example")
    mine = outbox_message(settings, "ann@acme.example")
    with committed(), pytest.raises(Refused), transaction.atomic():
        erase_user_data(person)
        raise Refused
    assert mine.exists() and OutboxMessage.objects.filter(to="ann@acme.example").exists()
