"""The account's webhook pages, as an owner uses them; members without the permission and other accounts get nothing."""

import pytest
from django.urls import reverse
from django.utils import timezone

from conftest import add_member
from rostrum.accounts.constants import Role
from rostrum.core import events
from rostrum.webhooks.constants import DeliveryStatus
from rostrum.webhooks.models import Webhook, WebhookDelivery
from rostrum.webhooks.tests.factories import make_webhook

PUBLIC = "93.184.215.14"


@pytest.fixture
def public_host(resolver):
    resolver.answers["hooks.example.com"] = [PUBLIC]
    return "https://hooks.example.com/rostrum"


@pytest.mark.django_db
def test_the_account_page_links_to_an_empty_webhook_list(owner, client_for):
    me = client_for(owner.user)
    assert reverse("webhook_list") in me.get(reverse("account_details")).content.decode()
    page = me.get(reverse("webhook_list")).content.decode()
    assert "No webhooks yet." in page and reverse("webhook_create") in page


@pytest.mark.django_db
def test_an_owner_adds_a_webhook_and_sees_its_secret(owner, client_for, public_host):
    me = client_for(owner.user)
    response = me.post(reverse("webhook_create"), {"url": public_host, "events": ["registration.created"]})
    webhook = Webhook.objects.get()
    assert response.status_code == 302 and response["Location"] == reverse("webhook_detail", args=[webhook.pk])
    assert webhook.account == owner.account and webhook.created_by == owner.user
    assert webhook.events == ["registration.created"] and webhook.is_active
    page = me.get(response["Location"]).content.decode()
    assert webhook.secret in page and "Nothing sent yet." in page


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("url", "message"),
    [
        ("http://127.0.0.1/hook", "This address points to a private network."),
        ("http://169.254.169.254/latest/meta-data/", "This address points to a private network."),
        ("http://localhost:8000/", "This address points to a private network."),
        ("ftp://hooks.example.com/", "Only http:// and https:// addresses can receive webhooks."),
    ],
)
def test_a_refused_address_is_explained_next_to_the_field(owner, client_for, url, message):
    response = client_for(owner.user).post(reverse("webhook_create"), {"url": url, "events": ["session.ended"]})
    assert response.status_code == 200
    assert message in response.context["form"].errors["url"]
    assert not Webhook.objects.exists()


@pytest.mark.django_db
def test_choosing_no_event_is_explained(owner, client_for, public_host):
    response = client_for(owner.user).post(reverse("webhook_create"), {"url": public_host})
    assert response.context["form"].errors["events"] == ["Choose at least one event."]


@pytest.mark.django_db
def test_edit_pause_resume_rotate_and_delete(owner, client_for, public_host):
    webhook = make_webhook(owner, public_host, [events.SESSION_STARTED])
    me = client_for(owner.user)
    me.post(reverse("webhook_edit", args=[webhook.pk]), {"url": public_host + "/v2", "events": ["session.ended"]})
    webhook.refresh_from_db()
    assert webhook.url.endswith("/v2") and webhook.events == ["session.ended"]

    me.post(reverse("webhook_set_active", args=[webhook.pk]), {"active": "0"})
    assert not Webhook.objects.get().is_active
    me.post(reverse("webhook_set_active", args=[webhook.pk]), {"active": "1"})
    assert Webhook.objects.get().is_active

    old_secret = webhook.secret
    me.post(reverse("webhook_rotate_secret", args=[webhook.pk]))
    assert Webhook.objects.get().secret not in (old_secret, "")

    me.post(reverse("webhook_delete", args=[webhook.pk]))
    assert not Webhook.objects.exists()


@pytest.mark.django_db
def test_the_log_shows_deliveries_latest_first_with_their_payload_and_retries_a_failed_one(
    owner, client_for, public_host, django_capture_on_commit_callbacks
):
    webhook = make_webhook(owner, public_host, [events.REGISTRATION_CREATED])
    me = client_for(owner.user)
    with django_capture_on_commit_callbacks(execute=False):
        me.post(reverse("webhook_ping", args=[webhook.pk]))
    ping = WebhookDelivery.objects.get(event="ping")
    failed = WebhookDelivery.objects.create(
        webhook=webhook,
        event="registration.created",
        payload={"registrant": {"email": "ada@example.com"}},
        status=DeliveryStatus.FAILED,
        attempts=9,
        last_status_code=500,
        last_error="Gave up after 9 attempts",
        next_attempt_at=timezone.now(),
    )
    log = me.get(reverse("webhook_detail", args=[webhook.pk])).content.decode()
    assert log.index("registration.created</code>") < log.index("ping</code>")
    assert "Gave up after 9 attempts" in log and "500" in log

    detail = me.get(reverse("webhook_delivery_detail", args=[webhook.pk, failed.pk])).content.decode()
    assert "ada@example.com" in detail and str(failed.delivery_id) in detail and "Retry now" in detail
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        me.post(reverse("webhook_delivery_retry", args=[webhook.pk, failed.pk]))
    failed.refresh_from_db()
    assert failed.status == DeliveryStatus.PENDING and len(callbacks) == 1  # its delivery is enqueued on commit
    assert ping.status == DeliveryStatus.PENDING


@pytest.mark.django_db
def test_a_delivery_answers_only_under_its_own_webhook(owner, other_owner, client_for, public_host):
    mine = make_webhook(owner, public_host)
    another_of_mine = make_webhook(owner, public_host)
    theirs = make_webhook(other_owner, public_host)
    now = timezone.now()
    my_delivery = WebhookDelivery.objects.create(webhook=mine, event="ping", next_attempt_at=now, status="failed")
    their_delivery = WebhookDelivery.objects.create(webhook=theirs, event="ping", next_attempt_at=now, status="failed")
    me = client_for(owner.user)
    for name in ("webhook_delivery_detail", "webhook_delivery_retry"):
        for webhook_id, delivery_id in (
            (another_of_mine.pk, my_delivery.pk),
            (mine.pk, their_delivery.pk),
            (theirs.pk, their_delivery.pk),
        ):
            assert me.post(reverse(name, args=[webhook_id, delivery_id])).status_code == 404
    assert set(WebhookDelivery.objects.values_list("status", flat=True)) == {"failed"}


@pytest.mark.django_db
@pytest.mark.parametrize("role", [Role.HOST, Role.ANALYST])
def test_members_who_do_not_manage_the_account_get_403(owner, client_for, public_host, role):
    webhook = make_webhook(owner, public_host)
    member = client_for(add_member(owner, f"{role}@acme.example", role).user)
    assert member.get(reverse("webhook_list")).status_code == 403
    assert member.get(reverse("webhook_detail", args=[webhook.pk])).status_code == 403
    assert member.post(reverse("webhook_rotate_secret", args=[webhook.pk])).status_code == 403
    assert Webhook.objects.get().secret == webhook.secret
