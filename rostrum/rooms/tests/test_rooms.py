"""Hosts create, edit, list and delete rooms; access by password or one-time tokens."""

import csv
import io
import itertools
from datetime import UTC, datetime

import pytest

from conftest import add_member
from rostrum.accounts.constants import Role
from rostrum.billing import entitlements
from rostrum.core.models import AuditEntry
from rostrum.rooms.models import AccessToken, Room

WEBINAR = {
    "room_type": "webinar",
    "name": "Quarterly product webinar",
    "slug": "",
    "description": "1. News\n2. Questions",
    "starts_at_local": "2031-03-10T18:30",
    "duration_minutes": "90",
    "timezone": "Europe/Warsaw",
    "access_type": "open",
    "password": "",
    "lobby_enabled": "on",
    "lobby_description": "We start at half past.",
    "is_public": "on",
}


@pytest.mark.django_db
def test_host_creates_a_scheduled_webinar_with_a_random_nine_digit_number(client_for, owner):
    host = add_member(owner, "host@acme.example", Role.HOST)
    response = client_for(host.user).post("/rooms/new/", WEBINAR)
    assert response.status_code == 302
    room = Room.objects.get()
    assert response["Location"] == f"/rooms/{room.pk}/"
    assert len(room.number) == 9 and room.number.isdigit() and room.number[0] != "0"
    assert room.slug == "quarterly-product-webinar"
    # 18:30 in Warsaw in March (CET, UTC+1) is 17:30 UTC.
    assert room.starts_at == datetime(2031, 3, 10, 17, 30, tzinfo=UTC)
    assert room.ends_at == datetime(2031, 3, 10, 19, 0, tzinfo=UTC)
    assert room.created_by == host.user
    detail = client_for(host.user).get(f"/rooms/{room.pk}/").content.decode()
    assert room.display_number in detail
    assert f"/r/{owner.account.slug}/quarterly-product-webinar/" in detail
    assert "18:30" in detail or "6:30" in detail


@pytest.mark.django_db
def test_room_numbers_are_unique_and_not_sequential(client_for, owner):
    c = client_for(owner.user)
    for n in range(5):
        assert c.post("/rooms/new/", {**WEBINAR, "name": f"Room {n}"}).status_code == 302
    numbers = sorted(int(n) for n in Room.objects.values_list("number", flat=True))
    assert len(set(numbers)) == 5
    assert any(b - a != 1 for a, b in itertools.pairwise(numbers))


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("change", "field"),
    [
        ({"name": ""}, "name"),
        ({"starts_at_local": ""}, "starts_at_local"),
        ({"starts_at_local": "next tuesday"}, "starts_at_local"),
        ({"duration_minutes": ""}, "duration_minutes"),
        ({"duration_minutes": "0"}, "duration_minutes"),
        ({"duration_minutes": "1441"}, "duration_minutes"),
        ({"timezone": "Europe/Atlantis"}, "timezone"),
        ({"room_type": "party"}, "room_type"),
        ({"access_type": "password", "password": "abc"}, "password"),
        ({"access_type": "magic"}, "access_type"),
        ({"slug": "!!!", "name": "???"}, "slug"),
    ],
)
def test_bad_room_input_is_explained_and_nothing_is_saved(client_for, owner, change, field):
    response = client_for(owner.user).post("/rooms/new/", {**WEBINAR, **change})
    assert response.status_code == 400
    assert field in response.context["form"].errors
    assert not Room.objects.exists()


@pytest.mark.django_db
def test_room_address_is_unique_within_the_account_only(client_for, owner, other_owner):
    assert client_for(owner.user).post("/rooms/new/", WEBINAR).status_code == 302
    response = client_for(owner.user).post("/rooms/new/", WEBINAR)
    assert response.status_code == 400
    assert "already have a room at this address" in response.content.decode()
    assert client_for(other_owner.user).post("/rooms/new/", WEBINAR).status_code == 302


@pytest.mark.django_db
def test_permanent_meeting_needs_no_schedule(client_for, owner):
    data = {**WEBINAR, "room_type": "meeting", "is_permanent": "on", "starts_at_local": "", "duration_minutes": ""}
    assert client_for(owner.user).post("/rooms/new/", data).status_code == 302
    room = Room.objects.get()
    assert room.is_permanent and room.starts_at is None and room.room_type == "meeting"


@pytest.mark.django_db
def test_editing_access_is_audited_and_the_list_shows_rooms(client_for, owner):
    c = client_for(owner.user)
    c.post("/rooms/new/", WEBINAR)
    room = Room.objects.get()
    response = c.post(f"/rooms/{room.pk}/edit/", {**WEBINAR, "access_type": "password", "password": "  s3cret  "})
    assert response.status_code == 302
    room.refresh_from_db()
    assert (room.access_type, room.password) == ("password", "s3cret")
    entry = AuditEntry.objects.get(code="rooms.room.access_changed")
    assert entry.data["access_type"] == "password"
    listing = c.get("/rooms/").content.decode()
    assert "Quarterly product webinar" in listing and room.display_number in listing
    # Editing keeps the number.
    number = room.number
    c.post(f"/rooms/{room.pk}/edit/", {**WEBINAR, "name": "Renamed", "slug": "renamed"})
    room.refresh_from_db()
    assert room.number == number and room.slug == "renamed"


@pytest.mark.django_db
def test_empty_room_list_explains_what_a_room_is(client_for, owner):
    page = client_for(owner.user).get("/rooms/").content.decode()
    assert "No rooms yet" in page


@pytest.mark.django_db
def test_deleting_a_room_asks_first_then_deletes(client_for, owner):
    c = client_for(owner.user)
    c.post("/rooms/new/", WEBINAR)
    room = Room.objects.get()
    assert "cannot be undone" in c.get(f"/rooms/{room.pk}/delete/").content.decode()
    assert Room.objects.exists()
    assert c.post(f"/rooms/{room.pk}/delete/").status_code == 302
    assert not Room.objects.exists()
    assert AuditEntry.objects.filter(code="rooms.room.deleted", data__number=room.number).exists()


@pytest.mark.django_db
def test_room_count_follows_the_plan(client_for, owner):
    allowed = entitlements.limit(owner.account, "rooms")
    c = client_for(owner.user)
    for n in range(allowed):
        assert c.post("/rooms/new/", {**WEBINAR, "name": f"Room {n}"}).status_code == 302
    response = c.post("/rooms/new/", {**WEBINAR, "name": "One more"})
    assert response.status_code == 400
    assert f"allows {allowed} rooms" in response.content.decode()
    assert Room.objects.count() == allowed


@pytest.mark.django_db
def test_access_tokens_are_generated_in_batches_and_downloaded_as_csv(client_for, owner):
    c = client_for(owner.user)
    c.post("/rooms/new/", {**WEBINAR, "access_type": "token"})
    room = Room.objects.get()
    assert c.post(f"/rooms/{room.pk}/tokens/", {"count": "25"}).status_code == 302
    assert c.post(f"/rooms/{room.pk}/tokens/", {"count": "5"}).status_code == 302
    assert AccessToken.objects.filter(room=room).count() == 30
    assert set(AccessToken.objects.values_list("batch", flat=True)) == {1, 2}
    response = c.get(f"/rooms/{room.pk}/tokens.csv")
    assert response["Content-Type"].startswith("text/csv")
    assert f"room-{room.number}-tokens.csv" in response["Content-Disposition"]
    rows = list(csv.DictReader(io.StringIO(response.content.decode())))
    assert len(rows) == 30
    assert {row["token"] for row in rows} == set(AccessToken.objects.values_list("token", flat=True))
    assert all(row["room_number"] == room.number and row["used_at"] == "" for row in rows)


@pytest.mark.django_db
@pytest.mark.parametrize("count", ["0", "-3", "many", "100000"])
def test_bad_token_counts_generate_nothing(client_for, owner, count):
    c = client_for(owner.user)
    c.post("/rooms/new/", {**WEBINAR, "access_type": "token"})
    room = Room.objects.get()
    response = c.post(f"/rooms/{room.pk}/tokens/", {"count": count}, follow=True)
    assert response.status_code == 200
    assert not AccessToken.objects.exists()
    assert any(m.level_tag == "error" for m in response.context["messages"])


@pytest.mark.django_db
def test_analyst_sees_rooms_but_cannot_change_them(client_for, owner):
    c = client_for(owner.user)
    c.post("/rooms/new/", {**WEBINAR, "access_type": "token"})
    room = Room.objects.get()
    analyst = client_for(add_member(owner, "analyst@acme.example", Role.ANALYST).user)
    assert analyst.get(f"/rooms/{room.pk}/").status_code == 200
    assert analyst.post(f"/rooms/{room.pk}/edit/", {**WEBINAR, "name": "Hijacked"}).status_code == 403
    assert analyst.post(f"/rooms/{room.pk}/delete/").status_code == 403
    assert analyst.post(f"/rooms/{room.pk}/tokens/", {"count": "5"}).status_code == 403
    room.refresh_from_db()
    assert room.name == WEBINAR["name"]
    assert not AccessToken.objects.exists()
