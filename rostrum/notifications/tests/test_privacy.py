"""The outbox's personal data is exported and erased with the person it was sent to."""

import pytest

from conftest import make_user
from rostrum.notifications.constants import EmailStatus, SuppressionReason
from rostrum.notifications.mail import send_on_commit
from rostrum.notifications.models import OutgoingAttachment, OutgoingEmail, Suppression
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
