"""https: the connection goes to the vetted address, with SNI and the certificate checked for the URL's name."""

import datetime
import ssl

import pytest
from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.x509.oid import NameOID

from rostrum.core import events
from rostrum.registration.tests.factories import make_registration_room, register
from rostrum.webhooks.constants import DeliveryStatus
from rostrum.webhooks.models import WebhookDelivery
from rostrum.webhooks.tests.conftest import Receiver, verify_signature
from rostrum.webhooks.tests.factories import make_webhook


def _certificate(subject: str, issuer_name, issuer_key, public_key, *, is_ca: bool, names=()):
    now = datetime.datetime.now(datetime.UTC)
    builder = (
        x509.CertificateBuilder()
        .subject_name(x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, subject)]))
        .issuer_name(issuer_name or x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, subject)]))
        .public_key(public_key)
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - datetime.timedelta(minutes=5))
        .not_valid_after(now + datetime.timedelta(days=1))
        .add_extension(x509.BasicConstraints(ca=is_ca, path_length=None), critical=True)
    )
    if names:
        builder = builder.add_extension(x509.SubjectAlternativeName([x509.DNSName(n) for n in names]), critical=False)
    return builder.sign(issuer_key, hashes.SHA256())


@pytest.fixture
def tls_receiver(tmp_path, allow_loopback):
    """A receiver on 127.0.0.1 speaking TLS with a certificate for ``receiver.test`` from a test CA."""
    ca_key = ec.generate_private_key(ec.SECP256R1())
    ca = _certificate("Rostrum test CA", None, ca_key, ca_key.public_key(), is_ca=True)
    key = ec.generate_private_key(ec.SECP256R1())
    leaf = _certificate("receiver.test", ca.subject, ca_key, key.public_key(), is_ca=False, names=["receiver.test"])
    (tmp_path / "ca.pem").write_bytes(ca.public_bytes(serialization.Encoding.PEM))
    (tmp_path / "leaf.pem").write_bytes(leaf.public_bytes(serialization.Encoding.PEM))
    (tmp_path / "key.pem").write_bytes(
        key.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption())
    )
    server = Receiver()
    context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    context.load_cert_chain(tmp_path / "leaf.pem", tmp_path / "key.pem")
    server.server_names = []
    context.sni_callback = lambda sock, name, ctx: server.server_names.append(name)
    server.server.socket = context.wrap_socket(server.server.socket, server_side=True)
    server.server.handle_error = lambda request, client_address: None  # refused handshakes are the point
    server.ca_file = str(tmp_path / "ca.pem")
    server.start()
    try:
        yield server
    finally:
        server.stop()


def deliver_registration(owner, committed, url):
    make_webhook(owner, url, [events.REGISTRATION_CREATED])
    room = make_registration_room(owner)
    with committed():
        register(room, email="ada@example.com")
    return WebhookDelivery.objects.select_related("webhook").get()


@pytest.mark.django_db
def test_https_to_the_vetted_address_verifies_the_certificate_for_the_name(
    owner, tls_receiver, resolver, committed, settings
):
    settings.WEBHOOK_CA_FILE = tls_receiver.ca_file
    resolver.answers["receiver.test"] = ["127.0.0.1"]
    delivery = deliver_registration(owner, committed, f"https://receiver.test:{tls_receiver.port}/hook")
    assert delivery.status == DeliveryStatus.DELIVERED
    (request,) = tls_receiver.requests
    assert tls_receiver.server_names == ["receiver.test"]  # SNI names the host, not the address
    assert request.headers["Host"] == f"receiver.test:{tls_receiver.port}"
    assert verify_signature(delivery.webhook.secret, request)


@pytest.mark.django_db
def test_an_untrusted_certificate_is_refused(owner, tls_receiver, resolver, committed):
    resolver.answers["receiver.test"] = ["127.0.0.1"]
    delivery = deliver_registration(owner, committed, f"https://receiver.test:{tls_receiver.port}/hook")
    assert delivery.status == DeliveryStatus.RETRYING and "CERTIFICATE_VERIFY_FAILED" in delivery.last_error
    assert tls_receiver.requests == []


@pytest.mark.django_db
def test_a_certificate_for_another_name_is_refused(owner, tls_receiver, resolver, committed, settings):
    settings.WEBHOOK_CA_FILE = tls_receiver.ca_file
    resolver.answers["impostor.test"] = ["127.0.0.1"]
    delivery = deliver_registration(owner, committed, f"https://impostor.test:{tls_receiver.port}/hook")
    assert delivery.status == DeliveryStatus.RETRYING and "CERTIFICATE_VERIFY_FAILED" in delivery.last_error
    assert tls_receiver.requests == []
