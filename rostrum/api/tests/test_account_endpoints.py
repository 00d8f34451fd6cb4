"""Account-level helpers (spec §3.8)."""

import pytest

from rostrum.api.tests.conftest import error_shape

pytestmark = pytest.mark.django_db


def test_ping(api):
    assert api.get("/api/v1/ping.json").json() == {"ping": "pong"}


def test_time_zone_list_is_every_countrys_zones_then_utc(api):
    zones = api.get("/api/v1/time_zone_list.json").json()
    assert zones[0] == "Africa/Abidjan" and zones[-1] == "UTC"
    assert "Europe/Warsaw" in zones and "America/New_York" in zones
    assert zones[:-1] == sorted(zones[:-1])
    assert len(zones) == len(set(zones)) > 300


@pytest.mark.parametrize("country", ["us", "US", "Us"])
def test_time_zones_of_a_country_in_any_case(api, country):
    zones = api.get(f"/api/v1/time_zone_list/{country}.json").json()
    assert "America/New_York" in zones and "America/Los_Angeles" in zones
    assert "Europe/Warsaw" not in zones


def test_a_country_with_one_zone_and_the_trailing_slash_the_ruby_gem_sends(api):
    assert api.get("/api/v1/time_zone_list/pl/").json() == ["Europe/Warsaw"]


def test_an_unknown_country_answers_404(api):
    error_shape(api.get("/api/v1/time_zone_list/xx.json"), 404)
    error_shape(api.get("/api/v1/time_zone_list/usa.json"), 404)


def test_phone_gateways_are_accepted_but_there_are_none(api):
    assert api.get("/api/v1/phone_gateways.json").json() == []


def test_skins_have_string_ids(api):
    skins = api.get("/api/v1/conferences/skins.json").json()
    assert skins[0]["id"] == "1" and skins[0]["name"] == "Default"
    assert skins[0]["thumbnail_url"].startswith("http")


@pytest.mark.parametrize("path", ["ping", "time_zone_list", "time_zone_list/us", "phone_gateways", "conferences/skins"])
def test_every_helper_needs_a_key(client, path):
    error_shape(client.get(f"/api/v1/{path}.json"), 401)


def test_the_developer_page_lists_every_endpoint_with_examples(client):
    page = client.get("/developers/api/").content.decode()
    for path in ("ping", "time_zone_list/{country}", "phone_gateways", "conferences/skins"):
        assert f"GET {path}</code>" in page
    assert "X-Api-Key: $ROSTRUM_API_KEY" in page and "requests.request(" in page
    assert "/api/v1/" in page
