"""Deliveries to a real HTTP receiver: signed, identified, retried with backoff for 24 hours, sent once."""

import threading
import time
import uuid
from datetime import timedelta

import pytest
from django.db import OperationalError, connection
from django.utils import timezone

from rostrum.core import events
from rostrum.registration.tests.factories import make_registration_room, register
from rostrum.webhooks import actions
from rostrum.webhooks.constants import DeliveryStatus
from rostrum.webhooks.models import WebhookDelivery
from rostrum.webhooks.tasks import sweep_webhook_deliveries
from rostrum.webhooks.tests.conftest import verify_signature
from rostrum.webhooks.tests.factories import make_webhook


def due_now(delivery: WebhookDelivery) -> None:
    """As if the time of its next attempt had come."""
    WebhookDelivery.objects.filter(pk=delivery.pk).update(next_attempt_at=timezone.now() - timedelta(seconds=1))


def register_ada(owner, committed):
    room = make_registration_room(owner)
    with committed():
        register(room, email="ada@example.com")
    return room


@pytest.mark.django_db
def test_a_registration_reaches_the_receiver_signed_and_identified(owner, receiver, committed):
    webhook = make_webhook(owner, receiver.url, [events.REGISTRATION_CREATED])
    room = register_ada(owner, committed)

    (request,) = receiver.requests
    delivery = WebhookDelivery.objects.get()
    assert delivery.status == DeliveryStatus.DELIVERED and delivery.attempts == 1
    assert delivery.last_status_code == 204 and delivery.delivered_at is not None
    assert request.path == "/hooks/rostrum?source=test"
    assert request.headers["Content-Type"] == "application/json"
    assert request.headers["X-Rostrum-Event"] == "registration.created"
    assert request.headers["X-Rostrum-Delivery"] == str(delivery.delivery_id)
    assert uuid.UUID(request.headers["X-Rostrum-Delivery"]).version == 4
    assert verify_signature(webhook.secret, request)
    body = request.json()
    assert body["id"] == str(delivery.delivery_id) and body["event"] == "registration.created"
    assert body["created_at"].endswith("Z")
    assert body["data"]["room"]["number"] == room.number
    assert body["data"]["registrant"]["email"] == "ada@example.com"


@pytest.mark.django_db
def test_a_forged_or_replayed_signature_does_not_verify(owner, receiver, committed):
    webhook = make_webhook(owner, receiver.url, [events.REGISTRATION_CREATED])
    register_ada(owner, committed)
    (request,) = receiver.requests
    assert not verify_signature("whsec_someone-else", request)
    tampered = type(request)(request.path, request.headers, request.body.replace(b"ada@", b"eve@"))
    assert not verify_signature(webhook.secret, tampered)
    stale = type(request)(request.path, {**request.headers, "X-Rostrum-Timestamp": "1000000000"}, request.body)
    assert not verify_signature(webhook.secret, stale)


@pytest.mark.django_db
def test_only_active_webhooks_subscribed_to_the_event_of_that_account_get_it(owner, other_owner, receiver, committed):
    subscribed = make_webhook(owner, receiver.url, [events.REGISTRATION_CREATED])
    make_webhook(owner, receiver.url, [events.SESSION_STARTED])
    paused = make_webhook(owner, receiver.url, [events.REGISTRATION_CREATED])
    paused.is_active = False
    paused.save(update_fields=["is_active"])
    make_webhook(other_owner, receiver.url, [events.REGISTRATION_CREATED])
    register_ada(owner, committed)
    assert list(WebhookDelivery.objects.values_list("webhook", flat=True)) == [subscribed.pk]
    assert len(receiver.requests) == 1


@pytest.mark.django_db
def test_a_500_is_retried_with_backoff_then_delivered_once_by_the_sweep(owner, receiver, committed, run_tasks):
    make_webhook(owner, receiver.url, [events.REGISTRATION_CREATED])
    receiver.replies.append(500)
    register_ada(owner, committed)

    delivery = WebhookDelivery.objects.get()
    assert delivery.status == DeliveryStatus.RETRYING and delivery.attempts == 1
    assert delivery.last_status_code == 500 and "HTTP 500: receiver says 500" in delivery.last_error
    assert timezone.now() + timedelta(seconds=50) < delivery.next_attempt_at < timezone.now() + timedelta(minutes=2)

    assert sweep_webhook_deliveries.call_local() == 0  # not due yet: nothing goes
    assert len(receiver.requests) == 1
    due_now(delivery)
    assert sweep_webhook_deliveries.call_local() == 1
    run_tasks()
    delivery.refresh_from_db()
    assert delivery.status == DeliveryStatus.DELIVERED and delivery.attempts == 2 and delivery.last_error == ""
    first, second = receiver.requests
    assert first.headers["X-Rostrum-Delivery"] == second.headers["X-Rostrum-Delivery"]  # one id for all attempts
    assert first.body == second.body

    assert sweep_webhook_deliveries.call_local() == 0  # delivered: never again
    run_tasks()
    assert len(receiver.requests) == 2


@pytest.mark.django_db
def test_the_backoff_grows_1_5_15_30_minutes_then_hourly(owner, receiver, committed):
    make_webhook(owner, receiver.url, [events.REGISTRATION_CREATED])
    receiver.replies.extend([503] * 7)
    register_ada(owner, committed)
    delivery = WebhookDelivery.objects.get()
    waits = []
    for _attempt in range(6):
        delivery.refresh_from_db()
        waits.append(round((delivery.next_attempt_at - timezone.now()).total_seconds() / 60))
        due_now(delivery)
        actions.do_deliver(delivery.pk)
    assert waits == [1, 5, 15, 30, 60, 60]


@pytest.mark.django_db
def test_after_24_hours_of_failures_the_delivery_fails(owner, receiver, committed):
    make_webhook(owner, receiver.url, [events.REGISTRATION_CREATED])
    receiver.replies.extend([500, 500])
    register_ada(owner, committed)
    delivery = WebhookDelivery.objects.get()
    WebhookDelivery.objects.filter(pk=delivery.pk).update(created_at=timezone.now() - timedelta(hours=24, minutes=1))
    due_now(delivery)
    assert actions.do_deliver(delivery.pk) == DeliveryStatus.FAILED
    delivery.refresh_from_db()
    assert delivery.status == DeliveryStatus.FAILED and delivery.attempts == 2
    assert delivery.last_error.startswith("Gave up after 2 attempts over 24 hours")
    assert sweep_webhook_deliveries.call_local() == 0


@pytest.mark.django_db
def test_timeouts_and_refused_connections_are_retried(owner, receiver, committed, settings):
    make_webhook(owner, receiver.url, [events.REGISTRATION_CREATED])
    settings.WEBHOOK_TIMEOUT = 0.5
    receiver.delay = 1.5
    register_ada(owner, committed)
    delivery = WebhookDelivery.objects.get()
    assert delivery.status == DeliveryStatus.RETRYING and "timed out" in delivery.last_error

    receiver.delay = 0
    receiver.stop()  # nobody listens any more
    due_now(delivery)
    assert actions.do_deliver(delivery.pk) == DeliveryStatus.RETRYING
    delivery.refresh_from_db()
    assert "ConnectionRefusedError" in delivery.last_error and delivery.attempts == 2


@pytest.mark.django_db
def test_redirects_are_not_followed(owner, receiver, committed):
    make_webhook(owner, receiver.url, [events.REGISTRATION_CREATED])
    receiver.replies.append(302)
    register_ada(owner, committed)
    delivery = WebhookDelivery.objects.get()
    assert delivery.status == DeliveryStatus.RETRYING and delivery.last_status_code == 302
    assert "redirects are not followed" in delivery.last_error
    assert len(receiver.requests) == 1


@pytest.mark.django_db
def test_a_paused_webhook_sends_nothing_it_had_queued_and_a_failed_delivery_can_be_retried(
    owner, receiver, committed, django_capture_on_commit_callbacks
):
    webhook = make_webhook(owner, receiver.url, [events.REGISTRATION_CREATED])
    room = make_registration_room(owner)
    with django_capture_on_commit_callbacks(execute=True):
        register(room, email="ada@example.com")  # the delivery is enqueued, not yet run
    actions.check_set_webhook_active(owner, webhook, False)
    with committed():
        pass
    delivery = WebhookDelivery.objects.get()
    assert delivery.status == DeliveryStatus.FAILED and receiver.requests == []

    actions.check_set_webhook_active(owner, webhook, True)
    with committed():
        assert actions.check_retry_delivery(owner, delivery)
    delivery.refresh_from_db()
    assert delivery.status == DeliveryStatus.DELIVERED and len(receiver.requests) == 1
    assert not actions.check_retry_delivery(owner, delivery)  # only a failed one


@pytest.mark.django_db
def test_a_test_event_is_a_signed_ping_to_that_webhook(owner, receiver, committed):
    webhook = make_webhook(owner, receiver.url, [events.SESSION_ENDED])
    with committed():
        actions.check_send_ping(owner, webhook)
    (request,) = receiver.requests
    assert request.headers["X-Rostrum-Event"] == "ping" and verify_signature(webhook.secret, request)
    assert request.json()["data"]["webhook"]["id"] == webhook.pk


@pytest.mark.django_db
def test_a_rotated_secret_signs_the_next_attempts(owner, receiver, committed):
    webhook = make_webhook(owner, receiver.url, [events.REGISTRATION_CREATED])
    old_secret = webhook.secret
    receiver.replies.append(500)
    register_ada(owner, committed)
    actions.check_rotate_secret(owner, webhook)
    webhook.refresh_from_db()
    assert webhook.secret != old_secret and webhook.secret.startswith("whsec_")
    due_now(WebhookDelivery.objects.get())
    actions.do_deliver(WebhookDelivery.objects.get().pk)
    first, second = receiver.requests
    assert verify_signature(old_secret, first) and verify_signature(webhook.secret, second)


@pytest.mark.django_db
def test_a_delivery_interrupted_mid_send_fails_rather_than_going_twice(owner, receiver, committed):
    make_webhook(owner, receiver.url, [events.REGISTRATION_CREATED])
    receiver.replies.append(500)
    register_ada(owner, committed)
    delivery = WebhookDelivery.objects.get()
    long_ago = timezone.now() - timedelta(minutes=16)
    WebhookDelivery.objects.filter(pk=delivery.pk).update(status=DeliveryStatus.SENDING, claimed_at=long_ago)
    assert sweep_webhook_deliveries.call_local() == 0
    delivery.refresh_from_db()
    assert delivery.status == DeliveryStatus.FAILED and "Interrupted" in delivery.last_error


@pytest.mark.django_db
def test_a_lost_enqueue_is_picked_up_by_the_sweep(owner, receiver, run_tasks):
    webhook = make_webhook(owner, receiver.url)
    delivery = WebhookDelivery.objects.create(
        webhook=webhook, event="session.started", payload={}, next_attempt_at=timezone.now()
    )  # as if the worker restarted before the on-commit enqueue ran
    assert sweep_webhook_deliveries.call_local() == 0  # a fresh one: its own task may still come
    WebhookDelivery.objects.filter(pk=delivery.pk).update(created_at=timezone.now() - timedelta(minutes=3))
    assert sweep_webhook_deliveries.call_local() == 1
    run_tasks()
    delivery.refresh_from_db()
    assert delivery.status == DeliveryStatus.DELIVERED


def deliver_from_two_workers(delivery_id: int) -> list:
    barrier = threading.Barrier(2)
    results = []

    def worker():
        try:
            barrier.wait(timeout=10)
            for _try in range(50):
                try:
                    results.append(actions.do_deliver(delivery_id))
                    return
                except OperationalError as error:
                    # SQLite's shared in-memory test database refuses a concurrent write instead of
                    # waiting as PostgreSQL (and SQLite on a file) does: the claim did not happen, ask again.
                    assert "locked" in str(error)
                    time.sleep(0.05)
        finally:
            connection.close()

    threads = [threading.Thread(target=worker) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)
    return results


@pytest.mark.django_db(transaction=True)
def test_two_workers_claiming_one_delivery_send_it_once(owner, receiver):
    webhook = make_webhook(owner, receiver.url)
    with_delay = WebhookDelivery.objects.create(
        webhook=webhook, event="ping", payload={}, next_attempt_at=timezone.now()
    )
    receiver.delay = 0.3  # the first worker is still sending when the second tries
    results = deliver_from_two_workers(with_delay.pk)
    assert sorted(results, key=str) == [None, DeliveryStatus.DELIVERED]
    assert len(receiver.requests) == 1


@pytest.mark.django_db(transaction=True)
def test_control_a_read_then_write_claim_sends_twice(owner, receiver, monkeypatch):
    """Without the conditional UPDATE the race is real: both workers see "pending" and both send."""
    if connection.vendor == "sqlite":
        pytest.skip("SQLite's shared in-memory test database serialises the two writes: run on PostgreSQL")
    gate = threading.Barrier(2)

    def naive_claim(delivery_id, now):
        delivery = WebhookDelivery.objects.get(pk=delivery_id)
        gate.wait(timeout=10)  # both have read the row before either writes
        if delivery.status not in (DeliveryStatus.PENDING, DeliveryStatus.RETRYING):
            return False
        WebhookDelivery.objects.filter(pk=delivery_id).update(status=DeliveryStatus.SENDING, claimed_at=now)
        return True

    monkeypatch.setattr(actions, "do_claim_delivery", naive_claim)
    webhook = make_webhook(owner, receiver.url)
    delivery = WebhookDelivery.objects.create(webhook=webhook, event="ping", payload={}, next_attempt_at=timezone.now())
    deliver_from_two_workers(delivery.pk)
    assert len(receiver.requests) == 2
