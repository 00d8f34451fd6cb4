"""URLs as the clients spell them, and failures in the one error shape."""

import pytest
from django.test import Client

from rostrum.api.tests.conftest import error_shape

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(
    "path",
    ["/api/v1/ping", "/api/v1/ping.json", "/api/v1/ping/", "/api/v1/ping.json?", "/api/v1/ping/?"],
)
def test_an_optional_json_suffix_and_trailing_slash_reach_the_same_endpoint(api, path):
    response = api.get(path)
    assert response.status_code == 200
    assert response.json() == {"ping": "pong"}


@pytest.mark.parametrize("suffix", ["xml", "js", "php", "printr"])
def test_other_formats_are_refused_clearly(api, suffix):
    body = error_shape(api.get(f"/api/v1/ping.{suffix}"), 400)
    assert "JSON only" in body["message"]


def test_answers_are_json_whatever_the_client_accepts(api):
    response = api.get("/api/v1/ping", headers={"Accept": "application/xml"})
    assert response.status_code == 200
    assert response["Content-Type"] == "application/json"


@pytest.mark.parametrize("method", ["get", "post", "put", "delete"])
@pytest.mark.parametrize(
    "path", ["/api/v1/nothing-here", "/api/v1/conferences/active/extra.json", "/api/v2/ping", "/api/"]
)
def test_unknown_routes_answer_404_in_the_error_shape_with_or_without_a_key(api, client, method, path):
    body = error_shape(getattr(api, method)(path), 404)
    assert body["name"] == "Not Found"
    error_shape(getattr(client, method)(path), 404)


def test_a_wrong_method_answers_405_in_the_error_shape(api):
    body = error_shape(api.delete("/api/v1/ping"), 405)
    assert body["name"] == "Method Not Allowed"


def test_the_rate_limit_is_per_key_with_retry_after(api, client, business_owner, settings):
    from rostrum.accounts.actions import do_create_api_key

    settings.ROSTRUM_API_RATE = "2/min"
    assert api.get("/api/v1/ping").status_code == 200
    assert api.get("/api/v1/ping").status_code == 200
    response = api.get("/api/v1/ping")
    body = error_shape(response, 429)
    assert body["name"] == "Too Many Requests"
    assert 1 <= int(response["Retry-After"]) <= 60
    _key, other_secret = do_create_api_key(business_owner, "Another integration")
    assert client.get("/api/v1/ping", headers={"X-Api-Key": other_secret}).status_code == 200


def test_an_error_inside_an_endpoint_answers_500_in_the_error_shape(api, monkeypatch):
    from rostrum.api.endpoints import account

    def broken(self, request):
        raise RuntimeError("bug")

    monkeypatch.setattr(account.PingView, "get", broken)
    error_shape(api.get("/api/v1/ping"), 500)


def test_posts_need_no_csrf_token(api_key):
    strict = Client(enforce_csrf_checks=True, headers={"X-Api-Key": api_key})
    assert strict.post("/api/v1/ping").status_code == 405  # reached the view, not a CSRF 403
    assert strict.post("/api/v1/nowhere").status_code == 404
