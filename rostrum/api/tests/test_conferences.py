"""Conferences through the HTTP API (spec §3.1, §4.1, §5): create, read, list, change, delete, availability."""

import re
import zoneinfo
from datetime import datetime, timedelta

import pytest
from django.test import Client
from django.utils import timezone

from rostrum.accounts.actions import do_create_api_key
from rostrum.api.tests.conftest import error_shape, use_plan
from rostrum.registration.models import RegistrationSettings
from rostrum.rooms.models import Room
from rostrum.rooms.tests.factories import make_room

CREATE = {"name": "Product demo", "room_type": "webinar", "permanent_room": "0", "access_type": "1"}


def create(api, **params):
    response = api.post("/api/v1/conferences", {**CREATE, **params})
    assert response.status_code == 201, response.content
    return response.json()["room"]


@pytest.mark.django_db
def test_create_answers_the_room_object_with_every_field_typed_as_clickmeeting(api, business_owner):
    room = create(
        api,
        name="Product demo",
        starts_at="2030-05-04 14:30",
        timezone="Europe/Warsaw",
        duration="1:30",
        lobby_enabled="1",
        lobby_description="Coffee first",
        custom_room_url_name="demo-day",
        unknown_key="ignored",
        recorder_autostart="1",
    )
    saved = Room.objects.get(pk=room["id"])
    assert saved.account == business_owner.account and saved.created_by == business_owner.user
    assert saved.starts_at == datetime(2030, 5, 4, 12, 30, tzinfo=zoneinfo.ZoneInfo("UTC"))  # 14:30 in Warsaw (CEST)
    assert saved.duration_minutes == 90 and saved.slug == "demo-day" and saved.lobby_description == "Coffee first"
    assert room["room_pin"] == int(saved.number) and len(str(room["room_pin"])) == 9
    assert room["name_url"] == "demo-day" and room["room_type"] == "webinar" and room["access_type"] == 1
    assert room["lobby_enabled"] is True and room["permanent_room"] is False
    assert room["registration_enabled"] == 0 and room["status"] == "active"
    assert room["timezone"] == "Europe/Warsaw" and room["timezone_offset"] == 7200
    assert room["starts_at"] == "2030-05-04T14:30:00+02:00" and room["ends_at"] == "2030-05-04T16:00:00+02:00"
    assert room["ccc"] == "2030-05-04 14:30:00"
    assert re.fullmatch(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d[+-]\d\d:\d\d", room["created_at"])
    assert room["room_url"].endswith(f"/r/{saved.account.slug}/demo-day/") and room["room_url"].startswith("http")
    assert room["embed_room_url"] == room["room_url"] and room["recorder_list"] == []
    assert set(room["access_role_hashes"]) == {"listener", "presenter", "host"}
    assert all(re.fullmatch(r"[0-9a-f]{32}", value) for value in room["access_role_hashes"].values())
    assert len(set(room["access_role_hashes"].values())) == 3
    assert 100000 <= room["phone_presenter_pin"] <= 999999 and 100000 <= room["phone_listener_pin"] <= 999999
    assert room["autologin_hash"] == room["autologin_hashes"]["host"]
    assert room["settings"]["show_on_personal_page"] is False
    again = api.get(f"/api/v1/conferences/{room['id']}").json()["conference"]
    assert again["access_role_hashes"] == room["access_role_hashes"]  # stable
    assert again["phone_listener_pin"] == room["phone_listener_pin"]


@pytest.mark.django_db
def test_create_reads_parameters_from_the_query_string_like_the_node_client(api):
    response = api.post(
        "/api/v1/conferences/?name=Query%20room&room_type=meeting&permanent_room=true&access_type=1&lobby_enabled=false"
    )
    assert response.status_code == 201, response.content
    room = Room.objects.get(pk=response.json()["room"]["id"])
    assert room.name == "Query room" and room.room_type == "meeting" and room.is_permanent and not room.lobby_enabled
    assert response.json()["room"]["starts_at"] is None and response.json()["room"]["ccc"] is None


@pytest.mark.django_db
def test_a_one_time_room_without_start_or_duration_starts_now_for_an_hour(api):
    before = timezone.now()
    room = Room.objects.get(pk=create(api, permanent_room="False")["id"])
    assert before - timedelta(minutes=1) <= room.starts_at <= timezone.now() + timedelta(minutes=2)
    assert room.duration_minutes == 60


@pytest.mark.django_db
def test_iso_starts_at_with_an_offset_is_kept_as_that_moment(api):
    room = create(api, starts_at="2030-01-10T09:00:00Z", timezone="America/New_York", duration="2")
    assert Room.objects.get(pk=room["id"]).starts_at == datetime(2030, 1, 10, 9, tzinfo=zoneinfo.ZoneInfo("UTC"))
    assert room["starts_at"] == "2030-01-10T04:00:00-05:00" and room["timezone_offset"] == -18000


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("params", "name", "message"),
    [
        ({"name": ""}, "name", "This field is required."),
        ({"room_type": "seminar"}, "room_type", "Select a valid choice."),
        ({"access_type": "2"}, "password", "A room password has at least 4 characters."),
        ({"access_type": "7"}, "access_type", "access_type must be 1"),
        ({"starts_at": "next tuesday"}, "starts_at", "starts_at must be a date and time"),
        ({"duration": "0:00"}, "duration", "A session lasts from 1 minute to 24 hours."),
        ({"timezone": "Mars/Olympus"}, "timezone", "Select a valid choice."),
        ({"skin_id": "99"}, "skin_id", "Unknown skin_id"),
        ({"custom_room_url_name": "Demo Day"}, "custom_room_url_name", "Enter a valid “slug”"),
        ({"permanent_room": "maybe"}, "permanent_room", "permanent_room must be 1 or 0"),
        ({"status": "paused"}, "status", "status must be active or inactive."),
    ],
)
def test_invalid_parameters_answer_422_naming_them_in_the_forms_words(api, params, name, message):
    body = error_shape(api.post("/api/v1/conferences", {**CREATE, **params}), 422)
    assert any(error["name"] == name and error["message"].startswith(message) for error in body["errors"]), body
    assert not Room.objects.exists()


@pytest.mark.django_db
def test_an_address_taken_by_another_room_is_refused_as_on_the_page(api):
    create(api, custom_room_url_name="demo")
    body = error_shape(api.post("/api/v1/conferences", {**CREATE, "custom_room_url_name": "demo"}), 422)
    assert body["errors"] == [{"name": "custom_room_url_name", "message": "You already have a room at this address."}]


@pytest.mark.django_db
def test_the_plans_room_limit_is_a_422(api, business_owner, monkeypatch):
    from rostrum.billing import entitlements

    real_limit = entitlements.limit
    monkeypatch.setattr(
        entitlements, "limit", lambda account, name: 1 if name == "rooms" else real_limit(account, name)
    )
    create(api)
    body = error_shape(api.post("/api/v1/conferences", {**CREATE, "name": "Second room"}), 422)
    assert body["message"] == "Your plan allows 1 rooms."
    assert Room.objects.count() == 1


@pytest.mark.django_db
def test_update_changes_only_what_is_given_and_maps_status_registration_and_settings(api):
    room = create(api, starts_at="2030-05-04 14:30", timezone="Europe/Warsaw", duration="1:00")
    response = api.put(
        f"/api/v1/conferences/{room['id']}",
        "name=Renamed&status=inactive&registration%5Benabled%5D=1&registration%5Btemplate%5D=2"
        "&settings%5Bshow_on_personal_page%5D=1&settings%5Bthank_you_emails_enabled%5D=true"
        "&settings%5Bconnection_tester_enabled%5D=1&settings%5Bthank_you_page_url%5D=https%3A%2F%2Fexample.com"
        "&skin_id=1&something_new=1",
        content_type="application/x-www-form-urlencoded",
    )
    assert response.status_code == 200, response.content
    conference = response.json()["conference"]
    saved = Room.objects.get(pk=room["id"])
    assert saved.name == "Renamed" and saved.duration_minutes == 60 and saved.timezone == "Europe/Warsaw"
    assert saved.starts_at == datetime(2030, 5, 4, 12, 30, tzinfo=zoneinfo.ZoneInfo("UTC"))
    assert saved.is_active is False and saved.is_public is True
    registration = RegistrationSettings.objects.get(room=saved)
    assert registration.enabled and registration.follow_up_enabled
    assert saved.compat_settings["registration_template"] == 2
    assert conference["status"] == "inactive" and conference["registration_enabled"] == 1
    assert conference["settings"]["show_on_personal_page"] is True
    assert conference["settings"]["thank_you_emails_enabled"] is True
    assert conference["settings"]["connection_tester_enabled"] is True
    assert conference["settings"]["thank_you_page_url"] == "https://example.com"
    assert conference["name"] == "Renamed"

    response = api.put(f"/api/v1/conferences/{room['id']}?status=active&registration[enabled]=0")
    assert response.json()["conference"]["status"] == "active"
    assert response.json()["conference"]["registration_enabled"] == 0
    assert Room.objects.get(pk=room["id"]).is_active


@pytest.mark.django_db
def test_update_to_a_password_room_needs_the_password(api):
    room = create(api)
    body = error_shape(api.put(f"/api/v1/conferences/{room['id']}?access_type=2"), 422)
    assert body["errors"] == [{"name": "password", "message": "A room password has at least 4 characters."}]
    response = api.put(f"/api/v1/conferences/{room['id']}?access_type=2&password=s3cret")
    assert response.json()["conference"]["access_type"] == 2
    assert Room.objects.get(pk=room["id"]).password == "s3cret"


@pytest.mark.django_db
def test_lists_by_status_and_all_with_lenient_page(api, business_owner):
    active = create(api, name="Live one")
    closed = create(api, name="Closed one")
    api.put(f"/api/v1/conferences/{closed['id']}?status=inactive")
    ended = make_room(business_owner, name="Ended one", starts_at=timezone.now() - timedelta(days=3))

    listed = api.get("/api/v1/conferences/active?page=1.json")
    assert listed.status_code == 200 and [c["id"] for c in listed.json()] == [active["id"]]
    inactive = api.get("/api/v1/conferences/inactive/").json()
    assert {c["id"] for c in inactive} == {closed["id"], ended.pk}
    assert api.get("/api/v1/conferences/active?page=2").json() == []
    both = api.get("/api/v1/conferences.json").json()
    assert [c["id"] for c in both["active_conferences"]] == [active["id"]]
    assert {c["id"] for c in both["inactive_conferences"]} == {closed["id"], ended.pk}


@pytest.mark.django_db
def test_another_accounts_room_is_not_found_for_every_method(api, other_owner):
    theirs = make_room(other_owner)
    for method in ("get", "put", "delete"):
        error_shape(getattr(api, method)(f"/api/v1/conferences/{theirs.pk}"), 404)
    error_shape(api.post(f"/api/v1/conferences/{theirs.pk}/tokens", {"how_many": 1}), 404)
    error_shape(api.post(f"/api/v1/conferences/{theirs.pk}/room/autologin_hash", {"email": "a@b.example"}), 404)
    error_shape(api.get("/api/v1/conferences/99999999999999"), 404)
    assert Room.objects.get(pk=theirs.pk).name == theirs.name
    assert api.get("/api/v1/conferences/active").json() == []


@pytest.mark.django_db
def test_a_host_key_cannot_change_rooms_without_manage_rooms(business_owner):
    from conftest import add_member

    member = add_member(business_owner, "viewer@acme.example", "host")
    _key, secret = do_create_api_key(member, "Host key")
    room = make_room(business_owner)
    response = Client(headers={"X-Api-Key": secret}).get(f"/api/v1/conferences/{room.pk}")
    assert response.status_code in (200, 403)  # whatever the role allows, never another shape
    if response.status_code == 403:
        error_shape(response, 403)


@pytest.mark.django_db
def test_delete_removes_the_room(api):
    room = create(api)
    response = api.delete(f"/api/v1/conferences/{room['id']}")
    assert response.status_code == 200 and response.json() == {"result": "OK"}
    assert not Room.objects.filter(pk=room["id"]).exists()
    error_shape(api.get(f"/api/v1/conferences/{room['id']}"), 404)


@pytest.mark.django_db
def test_availability_is_200_when_free_and_409_when_a_scheduled_room_overlaps(api):
    room = create(api, starts_at="2030-05-04 10:00", timezone="UTC", duration="2")
    free = api.post("/api/v1/conference/availability", {"start_time": "2030-05-04 12:00:00", "duration": "1", "id": 0})
    assert free.status_code == 200 and free.json() == {"status": "OK"}
    taken = api.post("/api/v1/conference/availability", {"start_time": "2030-05-04 11:00:00", "duration": "1"})
    assert error_shape(taken, 409)["errors"][0]["name"] == "start_time"
    itself = api.post("/api/v1/conference/availability", {"start_time": "2030-05-04 11:00:00", "id": room["id"]})
    assert itself.status_code == 200
    error_shape(api.post("/api/v1/conference/availability", {}), 422)


@pytest.mark.django_db
def test_a_free_plan_account_has_no_api(api, business_owner):
    use_plan(business_owner.account, "free")
    error_shape(api.get("/api/v1/conferences"), 401)


@pytest.mark.django_db
def test_listing_costs_the_same_queries_for_one_room_or_many(api, business_owner):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    def count() -> int:
        with CaptureQueriesContext(connection) as queries:
            assert api.get("/api/v1/conferences/active").status_code == 200
        return len(queries)

    create(api, name="First")
    one = count()
    for name in ("Second", "Third", "Fourth"):
        room = create(api, name=name)
        api.put(f"/api/v1/conferences/{room['id']}?registration[enabled]=1")
    assert count() == one
