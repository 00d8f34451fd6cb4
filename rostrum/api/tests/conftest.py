"""An account on a plan with the API, a key for its owner, and a client that sends it."""

import pytest
from django.test import Client

from rostrum.accounts.actions import do_create_api_key


def use_plan(account, plan_code: str) -> None:
    account.plan_code = plan_code
    account.save(update_fields=["plan_code"])


@pytest.fixture
def business_owner(owner):
    use_plan(owner.account, "business")
    return owner


@pytest.fixture
def api_key(business_owner):
    """The secret of an active key of the business account's owner."""
    _key, secret = do_create_api_key(business_owner, "Tests")
    return secret


@pytest.fixture
def api(api_key):
    """A test client that sends the key in the X-Api-Key header."""
    return Client(headers={"X-Api-Key": api_key})


def error_shape(response, status: int) -> dict:
    """Asserts the ClickMeeting error body and returns it."""
    assert response.status_code == status, response.content
    assert response["Content-Type"].startswith("application/json")
    body = response.json()
    assert set(body) == {"code", "name", "message", "errors"}
    assert body["code"] == status and isinstance(body["code"], int)
    assert isinstance(body["name"], str) and body["name"]
    assert isinstance(body["errors"], list)
    return body
