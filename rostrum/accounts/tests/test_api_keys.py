"""API key pages: a key is shown once, stored as a digest, revocable; other accounts' keys answer 404."""

import re

import pytest

from conftest import add_member
from rostrum.accounts.actions import do_create_api_key
from rostrum.accounts.constants import Role
from rostrum.accounts.models import ApiKey
from rostrum.core.ids import token_digest
from rostrum.core.models import AuditEntry

pytestmark = pytest.mark.django_db


@pytest.fixture
def business(owner):
    owner.account.plan_code = "business"
    owner.account.save(update_fields=["plan_code"])
    return owner


def create_key(browser, name="Moodle") -> str:
    response = browser.post("/account/api-keys/new/", {"name": name})
    assert response.status_code == 200
    assert response["Cache-Control"] == "no-store"
    return re.search(r'value="([0-9a-f]{40})"', response.content.decode()).group(1)


def test_a_new_key_is_shown_once_and_only_its_digest_is_stored(client_for, business, client):
    browser = client_for(business.user)
    secret = create_key(browser)
    key = ApiKey.objects.get()
    assert key.membership == business and key.name == "Moodle"
    assert key.prefix == secret[:8] and key.digest == token_digest(secret)
    assert not ApiKey.objects.filter(digest__contains=secret).exists()
    listing = browser.get("/account/api-keys/").content.decode()
    assert "Moodle" in listing and secret[:8] in listing and secret not in listing
    assert client.get("/api/v1/ping", headers={"X-Api-Key": secret}).status_code == 200
    assert AuditEntry.objects.filter(code="accounts.api_key.created").exists()


def test_revoking_asks_first_then_the_key_stops_working(client_for, business, client):
    browser = client_for(business.user)
    secret = create_key(browser)
    key = ApiKey.objects.get()
    confirm = browser.get(f"/account/api-keys/{key.pk}/revoke/")
    assert confirm.status_code == 200 and "cannot be undone" in confirm.content.decode()
    assert ApiKey.objects.get().revoked_at is None
    assert browser.post(f"/account/api-keys/{key.pk}/revoke/").status_code == 302
    assert ApiKey.objects.get().revoked_at is not None
    assert client.get("/api/v1/ping", headers={"X-Api-Key": secret}).status_code == 401
    assert AuditEntry.objects.filter(code="accounts.api_key.revoked").exists()


def test_a_plan_without_the_api_says_so_and_creates_nothing(client_for, owner):
    browser = client_for(owner.user)
    page = browser.get("/account/api-keys/").content.decode()
    assert "does not include the API" in page and 'action="/account/api-keys/new/"' not in page
    response = browser.post("/account/api-keys/new/", {"name": "x"}, follow=True)
    assert "does not include the API" in response.content.decode()
    assert not ApiKey.objects.exists()


def test_analysts_may_not_have_keys(client_for, business):
    analyst = add_member(business, "analyst@acme.example", Role.ANALYST)
    browser = client_for(analyst.user)
    assert browser.get("/account/api-keys/").status_code == 403
    assert browser.post("/account/api-keys/new/", {"name": "x"}).status_code == 403
    assert not ApiKey.objects.exists()


def test_hosts_see_and_revoke_only_their_own_keys_owners_see_all(client_for, business):
    host = add_member(business, "host@acme.example", Role.HOST)
    other_host = add_member(business, "host2@acme.example", Role.HOST)
    do_create_api_key(host, "Host key")
    other_key, _secret = do_create_api_key(other_host, "Other host key")
    host_browser = client_for(host.user)
    listing = host_browser.get("/account/api-keys/").content.decode()
    assert "Host key" in listing and "Other host key" not in listing
    assert host_browser.post(f"/account/api-keys/{other_key.pk}/revoke/").status_code == 404
    assert ApiKey.objects.get(pk=other_key.pk).revoked_at is None
    owner_browser = client_for(business.user)
    assert "Other host key" in owner_browser.get("/account/api-keys/").content.decode()
    assert owner_browser.post(f"/account/api-keys/{other_key.pk}/revoke/").status_code == 302
    assert ApiKey.objects.get(pk=other_key.pk).revoked_at is not None


def test_another_accounts_key_answers_404(client_for, business, other_owner):
    theirs, _secret = do_create_api_key(other_owner, "Theirs")
    browser = client_for(business.user)
    assert browser.get(f"/account/api-keys/{theirs.pk}/revoke/").status_code == 404
    assert browser.post(f"/account/api-keys/{theirs.pk}/revoke/").status_code == 404
    assert "Theirs" not in browser.get("/account/api-keys/").content.decode()
    assert ApiKey.objects.get(pk=theirs.pk).revoked_at is None


def test_the_account_page_links_to_the_keys(client_for, business):
    assert "/account/api-keys/" in client_for(business.user).get("/account/").content.decode()
