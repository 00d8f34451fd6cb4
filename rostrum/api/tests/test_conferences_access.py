"""Auto-login hashes, access tokens, e-mail invitations and contacts through the HTTP API (spec §3.1 rows
8 and 9, §3.2, §3.8 row 34). An auto-login hash is followed in a fresh browser into the room's lobby."""

from urllib.parse import urlsplit

import pytest
from django.test import Client

from rostrum.api.tests.conftest import error_shape
from rostrum.contacts.models import Contact, ContactList, Invitation
from rostrum.notifications.models import OutgoingEmail
from rostrum.rooms.models import AccessToken, Participant, Room


def create(api, **params):
    data = {"name": "Board meeting", "room_type": "meeting", "permanent_room": "1", "access_type": "1", **params}
    response = api.post("/api/v1/conferences", data)
    assert response.status_code == 201, response.content
    return response.json()["room"]


def autologin(api, room, **params):
    data = {"email": "Ada@Example.com", "nickname": "Ada Lovelace", "role": "listener", **params}
    return api.post(f"/api/v1/conferences/{room['id']}/room/autologin_hash", data)


def follow(room, value: str, client: Client | None = None):
    """Open ``<room_url>?l=<hash>`` in a browser of its own; answers (client, response)."""
    client = client or Client()
    path = urlsplit(room["room_url"]).path
    return client, client.get(path, {"l": value}, follow=True)


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("role", "expected"),
    [("listener", "attendee"), ("presenter", "presenter"), ("host", "host"), ("moderator", "host")],
)
def test_an_autologin_link_admits_that_person_with_name_email_and_role(api, role, expected):
    room = create(api)
    response = autologin(api, room, role=role)
    assert response.status_code == 200, response.content
    assert set(response.json()) == {"autologin_hash"}
    _client, page = follow(room, response.json()["autologin_hash"])
    assert page.redirect_chain[-1][0].endswith("/lobby/")
    assert "Welcome, Ada Lovelace" in page.content.decode()
    participant = Participant.objects.get()
    assert (participant.display_name, participant.email, participant.role) == (
        "Ada Lovelace",
        "ada@example.com",
        expected,
    )


@pytest.mark.django_db
def test_autologin_needs_email_nickname_and_a_known_role(api):
    room = create(api)
    body = error_shape(autologin(api, room, email="nope", nickname=" ", role="king"), 422)
    assert {error["name"] for error in body["errors"]} == {"email", "nickname", "role"}


@pytest.mark.django_db
def test_a_tampered_or_foreign_hash_shows_the_entry_page_with_a_message(api):
    room = create(api)
    other = create(api, name="Other room")
    value = autologin(api, room).json()["autologin_hash"]
    for bad in (value[:-2] + "xx", autologin(api, other).json()["autologin_hash"], "garbage"):
        _client, page = follow(room, bad)
        assert page.status_code == 200 and not page.redirect_chain
        assert "This sign-in link is not valid for this room." in page.content.decode()
    assert not Participant.objects.exists()


@pytest.mark.django_db
def test_a_password_room_checks_the_password_when_making_the_hash_and_a_new_password_revokes_it(api):
    room = create(api, access_type="2", password="s3cret!")
    assert error_shape(autologin(api, room), 422)["errors"][0]["name"] == "password"
    error_shape(autologin(api, room, password="wrong"), 422)
    value = autologin(api, room, password="s3cret!").json()["autologin_hash"]
    api.put(f"/api/v1/conferences/{room['id']}", {"password": "changed!"}, content_type="application/json")
    _client, page = follow(room, value)
    assert "This sign-in link is not valid for this room." in page.content.decode()
    value = autologin(api, room, password="changed!").json()["autologin_hash"]
    _client, page = follow(room, value)
    assert page.redirect_chain[-1][0].endswith("/lobby/")


@pytest.mark.django_db
def test_a_token_room_needs_an_unused_token_which_the_first_entry_spends(api):
    room = create(api, access_type="3")
    assert error_shape(autologin(api, room), 422)["errors"][0]["name"] == "token"
    token = api.post(f"/api/v1/conferences/{room['id']}/tokens", {"how_many": 1}).json()["access_tokens"][0]["token"]
    value = autologin(api, room, token=token.lower()).json()["autologin_hash"]
    browser, page = follow(room, value)
    assert page.redirect_chain[-1][0].endswith("/lobby/")
    spent = AccessToken.objects.get(token=token)
    assert spent.used_at is not None and spent.used_by_name == "Ada Lovelace"
    _same, again = follow(room, value, browser)  # a reload in the same browser is fine
    assert again.redirect_chain[-1][0].endswith("/lobby/")
    _other, elsewhere = follow(room, value)  # another browser: the token is spent
    assert "We could not find a room with this number and password or token." in elsewhere.content.decode()
    error_shape(autologin(api, room, token=token), 422)  # and no new hash for it


@pytest.mark.django_db
def test_the_host_hash_in_the_conference_object_opens_a_token_room_as_host(api, business_owner):
    room = create(api, access_type="3")
    _client, page = follow(room, room["autologin_hash"])
    assert page.redirect_chain[-1][0].endswith("/lobby/")
    participant = Participant.objects.get()
    assert participant.role == "host" and participant.email == business_owner.user.email


@pytest.mark.django_db
def test_an_inactive_room_lets_no_one_in_by_link_or_by_name(api):
    room = create(api)
    value = autologin(api, room).json()["autologin_hash"]
    browser, page = follow(room, value)
    assert page.redirect_chain[-1][0].endswith("/lobby/")
    api.put(f"/api/v1/conferences/{room['id']}?status=inactive")
    lobby = browser.get(page.redirect_chain[-1][0])
    assert lobby.status_code == 403 and "This room is closed at the moment." in lobby.content.decode()
    _fresh, refused = follow(room, value)
    assert "This room is closed at the moment." in refused.content.decode()
    typed = Client().post(urlsplit(room["room_url"]).path, {"display_name": "Eve"})
    assert typed.status_code == 400 and "This room is closed at the moment." in typed.content.decode()
    assert Participant.objects.count() == 1


@pytest.mark.django_db
def test_tokens_are_generated_listed_and_unused_ones_deleted(api):
    room = create(api, access_type="3")
    made = api.post(f"/api/v1/conferences/{room['id']}/tokens?how_many=3")
    assert made.status_code == 200, made.content
    tokens = made.json()["access_tokens"]
    assert len(tokens) == 3
    assert all(set(t) == {"token", "sent_to_email", "first_use_date"} for t in tokens)
    assert all(t["sent_to_email"] is None and t["first_use_date"] is None for t in tokens)
    used = tokens[0]["token"]
    follow(room, autologin(api, room, token=used).json()["autologin_hash"])
    listed = api.get(f"/api/v1/conferences/{room['id']}/tokens").json()["access_tokens"]
    assert {t["token"] for t in listed} == {t["token"] for t in tokens}
    assert next(t for t in listed if t["token"] == used)["first_use_date"].startswith("20")

    gone = api.delete(
        f"/api/v1/conferences/{room['id']}/tokens?tokens[]={used}&tokens[]={tokens[1]['token']}&tokens[]=NOPE00"
    )
    assert gone.status_code == 200 and gone.json()["status"] == "deleted" and gone.json()["message"]
    assert set(AccessToken.objects.values_list("token", flat=True)) == {used, tokens[2]["token"]}


@pytest.mark.django_db
@pytest.mark.parametrize("how_many", ["0", "5001", "", "many"])
def test_token_counts_outside_the_plan_are_422(api, how_many):
    room = create(api, access_type="3")
    body = error_shape(api.post(f"/api/v1/conferences/{room['id']}/tokens", {"how_many": how_many}), 422)
    assert body["errors"][0]["name"] == "how_many"
    assert not AccessToken.objects.exists()


@pytest.mark.django_db
def test_invitations_go_through_the_outbox_in_the_paths_language(api):
    room = create(api, name="Quarterly review")
    response = api.post(
        f"/api/v1/conferences/{room['id']}/invitation/email/pl",
        "attendees%5B%5D%5Bemail%5D=ann%40example.com&attendees%5B%5D%5Bemail%5D=Bob%40Example.com"
        "&role=listener&template=advanced",
        content_type="application/x-www-form-urlencoded",
    )
    assert response.status_code == 200 and response.json() == {"status": "OK"}
    assert set(Invitation.objects.values_list("email", flat=True)) == {"ann@example.com", "bob@example.com"}
    emails = OutgoingEmail.objects.filter(kind="contacts.invitation")
    assert {e.to_email for e in emails} == {"ann@example.com", "bob@example.com"}
    assert all(e.language == "pl" and room["room_url"] in e.body for e in emails)


@pytest.mark.django_db
def test_presenter_invitations_carry_the_presenter_link_and_us_means_english(api):
    room = create(api)
    response = api.post(
        f"/api/v1/conferences/{room['id']}/invitation/email/us",
        {"attendees[0][email]": "pat@example.com", "role": "presenter"},
    )
    assert response.status_code == 200, response.content
    email = OutgoingEmail.objects.get(to_email="pat@example.com")
    assert email.language == "en" and "/present/" in email.body
    link = next(word for word in email.body.split() if "/present/" in word)
    page = Client().post(urlsplit(link).path, {"display_name": "Pat"}, follow=True)
    assert page.redirect_chain[-1][0].endswith("/lobby/")
    assert Participant.objects.get().role == "presenter"


@pytest.mark.django_db
def test_invalid_invitation_addresses_are_named_and_nothing_is_sent(api):
    room = create(api)
    body = error_shape(
        api.post(
            f"/api/v1/conferences/{room['id']}/invitation/email/en",
            {"attendees[0][email]": "ok@example.com", "attendees[1][email]": "not-an-address"},
        ),
        422,
    )
    assert body["errors"] == [
        {"name": "attendees[1][email]", "message": "not-an-address is not a valid e-mail address."}
    ]
    error_shape(api.post(f"/api/v1/conferences/{room['id']}/invitation/email/en", {"role": "listener"}), 422)
    error_shape(
        api.post(
            f"/api/v1/conferences/{room['id']}/invitation/email/en", {"attendees[][email]": "a@b.example", "role": "x"}
        ),
        422,
    )
    assert not Invitation.objects.exists() and not OutgoingEmail.objects.exists()


@pytest.mark.django_db
def test_contacts_are_added_then_updated_by_email(api, business_owner):
    response = api.post(
        "/api/v1/contacts",
        {"email": "Grace@Example.com", "firstname": "Grace", "lastname": "Hopper", "company": "Navy", "country": "US"},
    )
    assert response.status_code == 200 and response.json() == {"status": "OK"}
    contact = Contact.objects.get()
    assert (contact.email, contact.first_name, contact.last_name, contact.company) == (
        "grace@example.com",
        "Grace",
        "Hopper",
        "Navy",
    )
    assert contact.account == business_owner.account
    team = ContactList.objects.create(account=business_owner.account, name="Admirals")
    team.contacts.add(contact)
    again = api.post("/api/v1/contacts", {"email": "grace@example.com", "phone": "+1 555 0100"})
    assert again.status_code == 200
    contact = Contact.objects.get()
    assert contact.phone == "+1 555 0100" and contact.first_name == "Grace" and list(contact.lists.all()) == [team]


@pytest.mark.django_db
def test_a_contact_needs_a_valid_email(api):
    assert error_shape(api.post("/api/v1/contacts", {"firstname": "Nobody"}), 422)["errors"][0]["name"] == "email"
    assert error_shape(api.post("/api/v1/contacts", {"email": "nope"}), 422)["errors"][0]["name"] == "email"
    assert not Contact.objects.exists()


@pytest.mark.django_db
def test_rooms_made_through_the_api_are_the_pages_rooms(api, client, business_owner):
    room = create(api, name="Seen on the page")
    client.force_login(business_owner.user)
    assert "Seen on the page" in client.get(f"/rooms/{room['id']}/").content.decode()
    assert Room.objects.get(pk=room["id"]).is_active
