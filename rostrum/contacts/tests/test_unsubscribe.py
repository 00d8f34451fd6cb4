"""Unsubscribe links: signed, honoured at once, by a person's click or a mail client's one-click POST."""

import pytest
from django.test import Client

from rostrum.contacts.models import Unsubscription
from rostrum.contacts.tests.factories import make_contact
from rostrum.contacts.unsubscribe import is_unsubscribed, unsubscribe_headers, unsubscribe_url

pytestmark = pytest.mark.django_db


def path_of(url: str) -> str:
    return url.removeprefix("http://localhost:8000")


def test_unsubscribe_url_is_absolute_and_headers_follow_rfc_8058(owner, settings):
    url = unsubscribe_url(owner.account, "Ada@Example.com")
    assert url.startswith(settings.SITE_URL + "/unsubscribe/")
    assert url == unsubscribe_url(owner.account, "ada@example.com ")  # the address is normalised
    assert unsubscribe_headers(owner.account, "ada@example.com") == {
        "List-Unsubscribe": f"<{url}>",
        "List-Unsubscribe-Post": "List-Unsubscribe=One-Click",
    }


def test_a_person_confirms_on_the_page_and_is_unsubscribed_at_once(owner, client_for):
    make_contact(owner, "ada@example.com")
    client = Client(enforce_csrf_checks=True)
    url = path_of(unsubscribe_url(owner.account, "ada@example.com"))
    page = client.get(url)
    assert page.status_code == 200 and "ada@example.com" in page.content.decode()
    assert not is_unsubscribed(owner.account, "ada@example.com")  # a GET (a link scanner) changes nothing
    done = client.post(url)
    assert done.status_code == 200 and "You are unsubscribed" in done.content.decode()
    assert is_unsubscribed(owner.account, "ADA@example.com")
    assert "unsubscribed" in client_for(owner.user).get("/contacts/").content.decode()


def test_one_click_post_from_a_mail_client_unsubscribes_twice_safely(owner, other_owner):
    client = Client(enforce_csrf_checks=True)
    url = path_of(unsubscribe_url(owner.account, "not-a-contact@example.com"))
    for _attempt in range(2):
        response = client.post(url, "List-Unsubscribe=One-Click", content_type="application/x-www-form-urlencoded")
        assert response.status_code == 200
    assert Unsubscription.objects.filter(account=owner.account, email="not-a-contact@example.com").count() == 1
    assert not is_unsubscribed(other_owner.account, "not-a-contact@example.com")  # per account


def test_a_tampered_token_is_a_clear_not_found_page(owner):
    url = path_of(unsubscribe_url(owner.account, "ada@example.com"))
    token = url.removeprefix("/unsubscribe/").rstrip("/")
    payload, signature = token.rsplit(":", 1)
    other_payload = path_of(unsubscribe_url(owner.account, "eve@example.com")).split("/")[2].rsplit(":", 1)[0]
    assert payload != other_payload
    forged = f"/unsubscribe/{other_payload}:{signature}/"  # another address under this signature
    for response in (Client().get(forged), Client().post(forged), Client().get("/unsubscribe/nonsense/")):
        assert response.status_code == 404
        assert "This unsubscribe link is not valid" in response.content.decode()
    assert not Unsubscription.objects.exists()
