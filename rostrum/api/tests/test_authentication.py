"""Keys: header or legacy ``api_key`` parameter; anything else answers 401 in the error shape."""

from datetime import timedelta

import pytest
from django.test import Client
from django.utils import timezone

from conftest import add_member
from rostrum.accounts.actions import check_revoke_api_key, do_create_api_key
from rostrum.accounts.constants import Role
from rostrum.accounts.models import ApiKey
from rostrum.api.tests.conftest import error_shape, use_plan

pytestmark = pytest.mark.django_db


def test_a_valid_key_in_the_header_is_accepted(api):
    response = api.get("/api/v1/ping")
    assert response.status_code == 200
    assert response.json() == {"ping": "pong"}
    assert response["Content-Type"] == "application/json"


@pytest.mark.parametrize("header", ["X-Api-Key", "X-API-KEY", "x-api-key"])
def test_the_header_name_is_case_insensitive(client, api_key, header):
    assert client.get("/api/v1/ping", headers={header: api_key}).status_code == 200


def test_a_missing_key_answers_401(client, business_owner):
    body = error_shape(client.get("/api/v1/ping"), 401)
    assert body["name"] == "Unauthorized"
    assert "X-Api-Key" in body["message"]


def test_an_unknown_key_answers_401(client, api_key):
    wrong = api_key[:-1] + ("0" if api_key[-1] != "0" else "1")
    error_shape(client.get("/api/v1/ping", headers={"X-Api-Key": wrong}), 401)
    error_shape(client.get("/api/v1/ping", headers={"X-Api-Key": "short"}), 401)


def test_a_revoked_key_answers_401(client, business_owner, api_key):
    check_revoke_api_key(business_owner, ApiKey.objects.get())
    error_shape(client.get("/api/v1/ping", headers={"X-Api-Key": api_key}), 401)


def test_the_legacy_api_key_parameter_works_in_the_query_and_the_form_body(client, api_key):
    assert client.get(f"/api/v1/ping?api_key={api_key}").status_code == 200
    assert client.generic("GET", "/api/v1/ping", f"api_key={api_key}").status_code == 200
    response = client.post("/api/v1/ping", {"api_key": api_key})
    assert response.status_code == 405  # authenticated: ping only answers GET
    assert response.json()["code"] == 405


def test_the_header_wins_over_the_parameter(client, api_key):
    assert client.get(f"/api/v1/ping?api_key={api_key}", headers={"X-Api-Key": "0" * 40}).status_code == 401
    assert client.get("/api/v1/ping?api_key=nonsense", headers={"X-Api-Key": api_key}).status_code == 200


def test_a_plan_without_the_api_answers_401_with_a_clear_message(client, business_owner, api_key):
    use_plan(business_owner.account, "free")
    body = error_shape(client.get("/api/v1/ping", headers={"X-Api-Key": api_key}), 401)
    assert "plan" in body["message"]


def test_the_key_acts_with_its_members_current_role(client, business_owner):
    host = add_member(business_owner, "host@acme.example", Role.HOST)
    _key, secret = do_create_api_key(host, "Host's script")
    assert client.get("/api/v1/ping", headers={"X-Api-Key": secret}).status_code == 200
    host.role = Role.ANALYST
    host.save(update_fields=["role"])
    error_shape(client.get("/api/v1/ping", headers={"X-Api-Key": secret}), 401)


def test_removing_the_member_deletes_their_keys(client, business_owner):
    host = add_member(business_owner, "host@acme.example", Role.HOST)
    _key, secret = do_create_api_key(host, "Host's script")
    host.delete()
    assert not ApiKey.objects.filter(name="Host's script").exists()
    error_shape(client.get("/api/v1/ping", headers={"X-Api-Key": secret}), 401)


def test_use_is_remembered_at_most_once_a_minute(api):
    key = ApiKey.objects.get()
    assert key.last_used_at is None
    api.get("/api/v1/ping")
    first = ApiKey.objects.get().last_used_at
    assert first is not None
    api.get("/api/v1/ping")
    assert ApiKey.objects.get().last_used_at == first
    ApiKey.objects.update(last_used_at=timezone.now() - timedelta(minutes=5))
    api.get("/api/v1/ping")
    assert ApiKey.objects.get().last_used_at > first


def test_the_views_see_the_keys_membership(api, business_owner, monkeypatch):
    from rostrum.api.endpoints import account

    seen = {}

    def spy(self, request):
        seen["membership"], seen["auth"] = request.membership, request.auth
        return account.Response({"ping": "pong"})

    monkeypatch.setattr(account.PingView, "get", spy)
    api.get("/api/v1/ping")
    assert seen["membership"] == business_owner
    assert seen["auth"].membership == business_owner
    assert Client().get("/api/v1/ping").status_code == 401
