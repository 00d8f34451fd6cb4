"""Deliveries copy payloads that name people: exported with the person's data, and blanked on erasure."""

import pytest
from django.utils import timezone

from conftest import make_user
from rostrum.privacy.registry import erase_user_data, export_user_data
from rostrum.webhooks.models import WebhookDelivery
from rostrum.webhooks.tests.factories import make_webhook


@pytest.mark.django_db
def test_deliveries_naming_a_person_are_exported_and_blanked(owner, resolver):
    resolver.answers["hooks.example.com"] = ["93.184.215.14"]
    webhook = make_webhook(owner, "https://hooks.example.com/")
    ada = make_user("Ada@Example.com")
    now = timezone.now()

    def delivery(email):
        payload = {"registrant": {"email": email, "first_name": "Ada"}, "room": {"id": 1}}
        return WebhookDelivery.objects.create(
            webhook=webhook, event="registration.created", payload=payload, next_attempt_at=now
        )

    hers, lookalike, other = delivery("ada@example.com"), delivery("joada@example.com"), delivery("bob@example.com")

    exported = export_user_data(ada)["webhooks.WebhookDelivery"]
    assert [row["payload"]["registrant"]["email"] for row in exported] == ["ada@example.com"]

    erase_user_data(ada)
    hers.refresh_from_db(), lookalike.refresh_from_db(), other.refresh_from_db()
    assert hers.payload == {} and hers.event == "registration.created"  # the log keeps that it happened
    assert lookalike.payload["registrant"]["email"] == "joada@example.com"
    assert other.payload["registrant"]["email"] == "bob@example.com"
