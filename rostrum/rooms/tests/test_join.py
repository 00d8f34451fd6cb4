"""Anyone joins by number or room link; wrong numbers and secrets answer alike and are rate-limited."""

from datetime import timedelta
from types import SimpleNamespace

import django_ratelimit.core
import pytest
from django.utils import timezone

from rostrum.rooms.constants import JOIN_SESSION_KEY
from rostrum.rooms.models import AccessToken, Room
from rostrum.rooms.tests.factories import make_room

REFUSAL = "We could not find a room with this number and password or token."


def lobby_path(room: Room) -> str:
    return f"/r/{room.account.slug}/{room.slug}/lobby/"


@pytest.mark.django_db
def test_join_by_number_leads_to_the_lobby_with_countdown_and_organiser(client, owner):
    room = make_room(owner, name="Sales kickoff")
    typed = f" {room.number[:3]} {room.number[3:6]}-{room.number[6:]} "
    response = client.post("/join/", {"number": typed, "display_name": "  Ada   Attendee "})
    assert response.status_code == 302
    assert response["Location"] == lobby_path(room)
    lobby = client.get(lobby_path(room)).content.decode()
    assert "Sales kickoff" in lobby
    assert "Welcome, Ada Attendee" in lobby
    assert "Grab a coffee, we start soon." in lobby
    assert owner.user.get_full_name() in lobby and owner.account.name in lobby
    assert f'data-countdown="{room.starts_at.isoformat()}"' in lobby or "data-countdown=" in lobby


@pytest.mark.django_db
def test_unknown_number_and_wrong_password_answer_the_same(client, owner):
    room = make_room(owner, access_type="password", password="open sesame")
    unknown = "999999999" if room.number != "999999999" else "888888888"
    a = client.post("/join/", {"number": unknown, "display_name": "Eve"})
    b = client.post("/join/", {"number": room.number, "display_name": "Eve", "secret": "guess"})
    c = client.post("/join/", {"number": room.number, "display_name": "Eve"})
    for response in (a, b, c):
        assert response.status_code == 400
        assert REFUSAL in response.content.decode()
    errors = {tuple(r.context["form"].non_field_errors()) for r in (a, b, c)}
    assert errors == {(REFUSAL,)}
    assert all(not r.context["form"].errors.get("number") for r in (a, b, c))
    assert JOIN_SESSION_KEY not in client.session
    ok = client.post("/join/", {"number": room.number, "display_name": "Bob", "secret": "open sesame"})
    assert ok.status_code == 302


@pytest.mark.django_db
def test_join_attempts_are_rate_limited_per_address(client, owner, monkeypatch):
    # The limiter counts in fixed one-minute windows; hold its clock so the test never straddles two.
    monkeypatch.setattr(django_ratelimit.core, "time", SimpleNamespace(time=lambda: 1_800_000_000))
    room = make_room(owner, access_type="password", password="open sesame")
    statuses = [
        client.post("/join/", {"number": room.number, "display_name": "Eve", "secret": f"guess {n}"}).status_code
        for n in range(12)
    ]
    assert statuses[:10] == [400] * 10
    assert statuses[10:] == [429, 429]
    # While limited, even the right password waits: guessing must not tell which one was right.
    blocked = client.post("/join/", {"number": room.number, "display_name": "Eve", "secret": "open sesame"})
    assert blocked.status_code == 429
    assert blocked["Retry-After"] == "60"


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("data", "field"),
    [
        ({"number": "12345", "display_name": "Ann"}, "number"),
        ({"number": "abcdefghi", "display_name": "Ann"}, "number"),
        ({"number": "123456789", "display_name": "   "}, "display_name"),
        ({"number": "123456789", "display_name": "x" * 101}, "display_name"),
    ],
)
def test_malformed_join_input_is_explained(client, data, field):
    response = client.post("/join/", data)
    assert response.status_code == 400
    assert field in response.context["form"].errors


@pytest.mark.django_db
def test_one_time_token_lets_one_person_in_once(client, owner, django_capture_on_commit_callbacks):
    from rostrum.rooms.actions import check_generate_access_tokens

    room = make_room(owner, access_type="token")
    token = check_generate_access_tokens(owner, room, 1)[0]
    path = f"/r/{room.account.slug}/{room.slug}/"
    first = client.post(path, {"display_name": "Ann", "secret": token.token.lower()})
    assert first.status_code == 302
    token.refresh_from_db()
    assert token.used_at is not None and token.used_by_name == "Ann"
    from django.test import Client

    second = Client().post(path, {"display_name": "Ben", "secret": token.token})
    assert second.status_code == 400
    assert REFUSAL in second.content.decode()
    assert AccessToken.objects.get().used_by_name == "Ann"


@pytest.mark.django_db
def test_room_link_shows_the_room_and_asks_for_a_name(client, owner):
    room = make_room(owner, name="Open house")
    page = client.get(f"/r/{room.account.slug}/{room.slug}/").content.decode()
    assert "Open house" in page and owner.account.name in page
    assert 'name="secret"' not in page  # an open room asks for no password
    assert client.post(f"/r/{room.account.slug}/{room.slug}/", {"display_name": "Zoe"}).status_code == 302


@pytest.mark.django_db
def test_lobby_needs_admission_first(client, owner):
    room = make_room(owner, access_type="password", password="open sesame")
    response = client.get(lobby_path(room))
    assert response.status_code == 302
    assert response["Location"] == f"/r/{room.account.slug}/{room.slug}/"


@pytest.mark.django_db
def test_organisers_enter_their_own_room_without_the_password(client_for, owner):
    room = make_room(owner, access_type="password", password="open sesame")
    c = client_for(owner.user)
    page = c.get(f"/r/{room.account.slug}/{room.slug}/").content.decode()
    assert 'name="secret"' not in page
    response = c.post(f"/r/{room.account.slug}/{room.slug}/", {"display_name": "The Host"})
    assert response.status_code == 302


@pytest.mark.django_db
def test_lobby_after_the_start_time_says_the_session_has_not_opened(client, owner):
    room = make_room(owner, starts_at=timezone.now() + timedelta(minutes=5))
    Room.objects.filter(pk=room.pk).update(starts_at=timezone.now() - timedelta(minutes=1))
    client.post("/join/", {"number": room.number, "display_name": "Ann"})
    page = client.get(lobby_path(room)).content.decode()
    assert "has not opened the session yet" in page
    assert "data-countdown" not in page


@pytest.mark.django_db
def test_public_profile_lists_upcoming_public_rooms_only(client, owner):
    make_room(owner, name="Public future", is_public=True)
    make_room(owner, name="Private future", is_public=False)
    past = make_room(owner, name="Public past", is_public=True)
    Room.objects.filter(pk=past.pk).update(starts_at=timezone.now() - timedelta(days=3))
    page = client.get(f"/p/{owner.account.slug}/").content.decode()
    assert "Public future" in page
    assert "Private future" not in page
    assert "Public past" not in page


@pytest.mark.django_db
def test_public_profile_with_nothing_planned_says_so(client, owner):
    page = client.get(f"/p/{owner.account.slug}/").content.decode()
    assert "No public events are planned" in page


@pytest.mark.django_db
def test_a_full_room_turns_newcomers_away(client, owner, monkeypatch):
    from django.test import Client

    from rostrum.billing import entitlements
    from rostrum.rooms.session_actions import do_open_attendance

    real_limit = entitlements.limit
    monkeypatch.setattr(
        entitlements, "limit", lambda account, name: 2 if name == "attendees_per_room" else real_limit(account, name)
    )
    room = make_room(owner, name="Small room")
    for name in ("Ann", "Ben"):
        guest = Client()
        guest.post("/join/", {"number": room.number, "display_name": name})
        assert guest.get(lobby_path(room)).status_code == 200
        participant = room.sessions.get().participants.get(display_name=name)
        do_open_attendance(participant.pk, "test browser")  # connected: holds a seat
    client.post("/join/", {"number": room.number, "display_name": "Cid"})
    response = client.get(lobby_path(room))
    assert response.status_code == 409
    assert "This room is full: it has room for 2 people." in response.content.decode()


@pytest.mark.django_db
def test_presenter_link_lets_a_guest_in_as_presenter(client, client_for, owner, monkeypatch):
    import time

    from django.core import signing

    from rostrum.rooms.constants import ParticipantRole
    from rostrum.rooms.presenters import presenter_path

    now = time.time()
    monkeypatch.setattr(signing.time, "time", lambda: now)  # the link is signed with the time: keep one second
    room = make_room(owner, name="Panel", access_type="password", password="open sesame")
    path = presenter_path(room)
    assert path in client_for(owner.user).get(f"/rooms/{room.pk}/").content.decode()
    assert "as a presenter" in client.get(path).content.decode()
    assert client.post(path, {"display_name": "Petra Presenter"}).status_code == 302  # no password needed
    assert client.get(lobby_path(room)).status_code == 200
    participant = room.sessions.get().participants.get(display_name="Petra Presenter")
    assert participant.role == ParticipantRole.PRESENTER and participant.is_admitted


@pytest.mark.django_db
def test_presenter_links_are_bound_to_their_room(client, owner):
    from rostrum.rooms.presenters import presenter_path

    room, other = make_room(owner, name="One"), make_room(owner, name="Two")
    token = presenter_path(room).rstrip("/").rsplit("/", 1)[1]
    assert client.get(f"/r/{other.account.slug}/{other.slug}/present/{token}/").status_code == 404
    assert client.get(f"/r/{room.account.slug}/{room.slug}/present/forged/").status_code == 404
