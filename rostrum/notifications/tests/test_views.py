"""Staff read the outbox queue, the local mailbox and suppressed addresses; nobody else does."""

import pytest

from conftest import make_user
from rostrum.notifications.constants import EmailStatus, SuppressionReason
from rostrum.notifications.mail import send_on_commit
from rostrum.notifications.models import OutboxMessage, OutgoingEmail, Suppression

CONTEXT = {"account_name": "Acme", "inviter": "Olga", "role": "Host", "accept_path": "/i/", "valid_days": 14}


@pytest.fixture
def staff(db):
    return make_user("ops@localhost", is_staff=True)


def queued(to: str, status: str = EmailStatus.QUEUED, last_error: str = "") -> OutgoingEmail:
    email = send_on_commit("team_invitation", to, CONTEXT)
    OutgoingEmail.objects.filter(pk=email.pk).update(status=status, last_error=last_error)
    return email


@pytest.mark.django_db
def test_staff_see_each_email_with_its_status_and_filter_by_status(client_for, staff):
    queued("sent@acme.example", EmailStatus.SENT)
    queued("late@acme.example", EmailStatus.RETRYING, "451 4.3.0 Try again later")
    page = client_for(staff).get("/staff/outbox/").content.decode()
    assert "sent@acme.example" in page
    assert "late@acme.example" in page
    assert "451 4.3.0 Try again later" in page
    retrying = client_for(staff).get("/staff/outbox/", {"status": "retrying"}).content.decode()
    assert "late@acme.example" in retrying
    assert "sent@acme.example" not in retrying
    assert "No e-mail with this status." in client_for(staff).get("/staff/outbox/?status=failed").content.decode()


@pytest.mark.django_db
def test_empty_outbox_says_so(client_for, staff):
    assert "No e-mail has been sent yet." in client_for(staff).get("/staff/outbox/").content.decode()


@pytest.mark.django_db
@pytest.mark.parametrize("path", ["/staff/outbox/", "/staff/outbox/mailbox/", "/staff/outbox/suppressions/"])
def test_only_staff_reach_the_outbox_pages(client, client_for, owner, path):
    assert client.get(path).status_code == 302
    assert client_for(owner.user).get(path).status_code == 302


@pytest.mark.django_db
def test_detail_links_to_the_copy_in_the_local_mailbox(client_for, staff, settings, committed):
    settings.EMAIL_BACKEND = "rostrum.notifications.backends.OutboxEmailBackend"
    with committed():
        email = send_on_commit("team_invitation", "new@acme.example", CONTEXT)
    delivered = OutboxMessage.objects.get()
    page = client_for(staff).get(f"/staff/outbox/email/{email.pk}/").content.decode()
    assert f"/staff/outbox/{delivered.pk}/" in page
    assert "/i/" in client_for(staff).get(f"/staff/outbox/{delivered.pk}/").content.decode()
    assert "new@acme.example" in client_for(staff).get("/staff/outbox/mailbox/").content.decode()


@pytest.mark.django_db
def test_staff_send_a_failed_email_again(client_for, staff, owner, committed, settings):
    email = queued("a@acme.example", EmailStatus.FAILED, "interrupted")
    assert client_for(owner.user).post(f"/staff/outbox/email/{email.pk}/resend/").status_code == 302
    email.refresh_from_db()
    assert email.status == EmailStatus.FAILED  # a non-staff post changed nothing
    with committed():
        response = client_for(staff).post(f"/staff/outbox/email/{email.pk}/resend/")
    assert response.status_code == 302
    email.refresh_from_db()
    assert email.status == EmailStatus.SENT


@pytest.mark.django_db
def test_a_sent_email_cannot_be_sent_again(client_for, staff):
    email = queued("a@acme.example", EmailStatus.SENT)
    client_for(staff).post(f"/staff/outbox/email/{email.pk}/resend/")
    email.refresh_from_db()
    assert email.status == EmailStatus.SENT


@pytest.mark.django_db
def test_staff_suppress_an_address_by_hand(client_for, staff, owner):
    assert client_for(owner.user).post("/staff/outbox/suppressions/", {"email": "x@acme.example"}).status_code == 302
    assert not Suppression.objects.exists()
    client_for(staff).post("/staff/outbox/suppressions/", {"email": "Stop@Acme.example"})
    client_for(staff).post("/staff/outbox/suppressions/", {"email": "not an address"})
    suppression = Suppression.objects.get()
    assert (suppression.email, suppression.reason) == ("stop@acme.example", SuppressionReason.MANUAL)
    assert "stop@acme.example" in client_for(staff).get("/staff/outbox/suppressions/").content.decode()
    assert send_on_commit("team_invitation", "stop@acme.example", CONTEXT).status == EmailStatus.SUPPRESSED


@pytest.mark.django_db
def test_staff_lift_a_suppression(client_for, staff, owner):
    suppression = Suppression.objects.create(email="back@acme.example", reason=SuppressionReason.HARD_BOUNCE)
    assert client_for(owner.user).post(f"/staff/outbox/suppressions/{suppression.pk}/lift/").status_code == 302
    assert Suppression.objects.exists()
    assert client_for(staff).get(f"/staff/outbox/suppressions/{suppression.pk}/lift/").status_code == 405
    client_for(staff).post(f"/staff/outbox/suppressions/{suppression.pk}/lift/")
    assert not Suppression.objects.exists()
    assert send_on_commit("team_invitation", "back@acme.example", CONTEXT).status == EmailStatus.QUEUED
