"""SSRF: webhooks may only point at public addresses, checked on save and again before each attempt."""

import ipaddress

import pytest
from django.db import transaction

from rostrum.core import events
from rostrum.registration.tests.factories import make_registration_room, register
from rostrum.webhooks import actions
from rostrum.webhooks.addresses import is_permitted
from rostrum.webhooks.constants import DeliveryStatus
from rostrum.webhooks.errors import WebhooksError
from rostrum.webhooks.models import Webhook, WebhookDelivery
from rostrum.webhooks.tests.conftest import verify_signature
from rostrum.webhooks.tests.factories import make_webhook

PUBLIC = "93.184.215.14"

REFUSED = [
    ("http://127.0.0.1/hook", "private_address"),
    ("http://127.1.2.3:8080/hook", "private_address"),
    ("http://10.0.0.1/hook", "private_address"),
    ("http://172.16.5.4/hook", "private_address"),
    ("http://192.168.1.10/hook", "private_address"),
    ("http://169.254.169.254/latest/meta-data/", "private_address"),  # cloud metadata: link-local
    ("http://100.64.0.1/hook", "private_address"),  # carrier-grade NAT
    ("http://0.0.0.0/hook", "private_address"),
    ("http://224.0.0.1/hook", "private_address"),  # multicast
    ("http://240.0.0.1/hook", "private_address"),  # reserved
    ("http://2130706433/hook", "private_address"),  # 127.0.0.1 written as one number
    ("http://0x7f.1/hook", "private_address"),
    ("http://[::1]/hook", "private_address"),
    ("http://[::]/hook", "private_address"),
    ("http://[::ffff:127.0.0.1]/hook", "private_address"),
    ("http://[::ffff:10.0.0.1]/hook", "private_address"),
    ("http://[fe80::1]/hook", "private_address"),
    ("http://[fd00::1]/hook", "private_address"),
    ("http://[ff02::1]/hook", "private_address"),
    ("http://[2002:7f00:1::1]/hook", "private_address"),  # 6to4 around 127.0.0.1
    ("http://[64:ff9b::a00:1]/hook", "private_address"),  # NAT64 around 10.0.0.1
    ("http://localhost/hook", "private_address"),  # a name that resolves to loopback
    ("ftp://files.example.com/hook", "scheme"),
    ("file:///etc/passwd", "scheme"),
    ("gopher://example.com/", "scheme"),
    ("http://user:secret@hooks.example.com/", "credentials"),
    ("http://[not-an-address/", "invalid_url"),
]


@pytest.mark.django_db
@pytest.mark.parametrize(("url", "code"), REFUSED)
def test_private_and_odd_addresses_are_refused_on_save(owner, resolver, url, code):
    resolver.answers["hooks.example.com"] = [PUBLIC]
    with pytest.raises(WebhooksError) as refused, transaction.atomic():
        actions.check_create_webhook(owner, url=url, events=[events.REGISTRATION_CREATED])
    assert refused.value.code == code
    assert not Webhook.objects.exists()


@pytest.mark.django_db
def test_a_name_with_any_private_address_among_its_answers_is_refused(owner, resolver):
    resolver.answers["mixed.example.com"] = [PUBLIC, "10.1.2.3"]
    with pytest.raises(WebhooksError) as refused:
        actions.check_create_webhook(owner, url="https://mixed.example.com/", events=[events.SESSION_ENDED])
    assert refused.value.message == "This address points to a private network."


@pytest.mark.django_db
def test_an_unknown_host_is_refused(owner, resolver):
    resolver.answers["nowhere.invalid"] = []
    with pytest.raises(WebhooksError) as refused:
        actions.check_create_webhook(owner, url="https://nowhere.invalid/", events=[events.SESSION_ENDED])
    assert refused.value.code == "unresolvable"


@pytest.mark.django_db
def test_public_addresses_are_accepted(owner, resolver):
    resolver.answers["hooks.example.com"] = [PUBLIC, "2606:2800:21f:cb07:6820:80da:af6b:8b2c"]
    webhook = make_webhook(owner, "https://hooks.example.com/rostrum", [events.SESSION_ENDED])
    assert webhook.url == "https://hooks.example.com/rostrum" and webhook.events == [events.SESSION_ENDED]


def test_the_operator_can_allow_a_private_network(settings):
    loopback, lan = ipaddress.ip_address("127.0.0.1"), ipaddress.ip_address("10.20.1.5")
    assert not is_permitted(loopback) and not is_permitted(lan)
    settings.WEBHOOK_ALLOWED_NETWORKS = ["10.20.0.0/16"]
    assert is_permitted(lan) and is_permitted(ipaddress.ip_address("::ffff:10.20.1.5"))
    assert not is_permitted(loopback) and not is_permitted(ipaddress.ip_address("10.21.0.1"))


@pytest.mark.django_db
def test_a_host_that_later_resolves_to_a_private_address_is_refused_at_delivery(
    owner, receiver, resolver, committed, settings
):
    """Saved while public; by the time of the attempt its DNS points inside: nothing is sent there."""
    settings.WEBHOOK_ALLOWED_NETWORKS = []
    resolver.answers["hooks.example.com"] = [PUBLIC]
    make_webhook(owner, f"http://hooks.example.com:{receiver.port}/hook", [events.REGISTRATION_CREATED])
    resolver.answers["hooks.example.com"] = ["127.0.0.1"]  # rebinding to where our receiver listens
    room = make_registration_room(owner)
    with committed():
        register(room, email="ada@example.com")
    delivery = WebhookDelivery.objects.get()
    assert delivery.status == DeliveryStatus.RETRYING
    assert delivery.last_error == "Refused: This address points to a private network."
    assert receiver.requests == []


@pytest.mark.django_db
def test_the_attempt_connects_to_the_vetted_address_and_keeps_the_host_name(owner, receiver, resolver, committed):
    """One lookup per attempt, and the socket goes to its answer: no second lookup a rebinding could change."""
    resolver.answers["receiver.test"] = ["127.0.0.1"]
    webhook = make_webhook(owner, f"http://receiver.test:{receiver.port}/hook", [events.REGISTRATION_CREATED])
    resolver.lookups.clear()
    room = make_registration_room(owner)
    with committed():
        register(room, email="ada@example.com")
    (request,) = receiver.requests
    assert request.headers["Host"] == f"receiver.test:{receiver.port}"
    assert verify_signature(webhook.secret, request)
    assert resolver.lookups.count("receiver.test") == 1
    assert WebhookDelivery.objects.get().status == DeliveryStatus.DELIVERED
