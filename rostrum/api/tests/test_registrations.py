"""Registering through the API and listing registrants (spec §3.4, §3.3 row 19).

The link the API answers is followed in a fresh browser into the room's lobby as that registrant.
"""

import time
from datetime import timedelta
from urllib.parse import urlsplit

import pytest
from django.core import signing
from django.test import Client
from django.urls import reverse

from rostrum.api.tests.conftest import error_shape
from rostrum.notifications.models import OutgoingEmail
from rostrum.registration.actions import check_reject
from rostrum.registration.constants import Approval, FieldKind, RegistrantStatus
from rostrum.registration.models import Registrant, RegistrationField
from rostrum.registration.tests.factories import make_registration_room, register
from rostrum.reports.tests.conftest import connect
from rostrum.rooms import session_actions
from rostrum.rooms.models import Participant
from rostrum.rooms.tests.factories import make_room

pytestmark = pytest.mark.django_db

ADA = {"registration[1]": "Ada", "registration[2]": "Lovelace", "registration[3]": "Ada@Example.com"}


def url(room, suffix="registration"):
    return f"/api/v1/conferences/{room.pk}/{suffix}"


@pytest.fixture
def room(business_owner):
    room = make_registration_room(business_owner)
    RegistrationField.objects.create(room=room, label="Company", kind=FieldKind.TEXT, position=0)
    RegistrationField.objects.create(
        room=room, label="Role", kind=FieldKind.CHOICE, choices="Dev\nOps", required=True, position=1
    )
    RegistrationField.objects.create(room=room, label="Newsletter", kind=FieldKind.CHECKBOX, position=2)
    return room


def test_register_answers_a_join_link_that_really_admits_the_registrant(api, room):
    data = {**ADA, "registration[4]": "Acme", "registration[5]": "Ops", "registration[6]": "1"}
    response = api.post(url(room) + ".json", data)
    assert response.status_code == 201
    body = response.json()
    assert set(body) == {"status", "exist", "url", "r"} and body["status"] == "OK" and body["exist"] == 0
    room_url = "http://localhost:8000" + reverse("room_enter", args=[room.account.slug, room.slug])
    assert body["url"] == f"{room_url}?r={body['r']}"
    registrant = Registrant.objects.get(room=room)
    assert (registrant.first_name, registrant.email, registrant.status) == ("Ada", "ada@example.com", "approved")
    fields = list(room.registration_fields.all())
    assert registrant.answers == {str(fields[0].pk): "Acme", str(fields[1].pk): "Ops", str(fields[2].pk): True}

    browser = Client()  # the registrant, elsewhere
    split = urlsplit(body["url"])
    page = browser.get(f"{split.path}?{split.query}", follow=True)
    assert page.status_code == 200
    assert page.redirect_chain[-1][0] == reverse("room_lobby", args=[room.account.slug, room.slug])
    assert "Ada Lovelace" in page.content.decode()
    participant = Participant.objects.get(session__room=room)
    assert (participant.display_name, participant.email) == ("Ada Lovelace", "ada@example.com")


def test_a_bad_hash_on_the_room_url_is_refused(room):
    page = Client().get(reverse("room_enter", args=[room.account.slug, room.slug]) + "?r=forged", follow=True)
    assert page.status_code == 404
    assert not Participant.objects.exists()


def test_registering_again_answers_exist_1_and_the_same_link(api, room, monkeypatch):
    now = time.time()
    monkeypatch.setattr(signing.time, "time", lambda: now)  # the link is signed with the time: keep one second
    data = {**ADA, "registration[5]": "Dev"}
    first = api.post(url(room), data).json()
    again = api.post(url(room), {**data, "registration[3]": "ada@example.com"})
    assert again.status_code == 200
    assert again.json() == {**first, "exist": 1}
    assert Registrant.objects.count() == 1


def test_the_confirmation_email_only_when_asked_in_the_language_asked(api, room, committed):
    with committed():
        api.post(url(room), {**ADA, "registration[5]": "Dev"})
    assert not OutgoingEmail.objects.exists()
    with committed():
        response = api.post(
            url(room),
            {
                **ADA,
                "registration[3]": "bob@example.com",
                "registration[5]": "Dev",
                "confirmation_email[enabled]": "True",
                "confirmation_email[lang]": "pl",
            },
        )
    assert response.status_code == 201
    sent = OutgoingEmail.objects.get()
    assert (sent.to_email, sent.kind, sent.language) == ("bob@example.com", "registration.confirmation", "pl")
    assert Registrant.objects.get(email="bob@example.com").language == "pl"


def test_a_json_body_registers_too(api, room):
    body = {"registration": {"1": "Ada", "2": "Lovelace", "3": "ada@example.com", "5": "Ops"}, "lang": "de"}
    response = api.post(url(room), body, content_type="application/json")
    assert response.status_code == 201
    assert Registrant.objects.get().language == "de"


@pytest.mark.parametrize(
    ("data", "name"),
    [
        ({"registration[1]": "Ada", "registration[2]": "L", "registration[5]": "Dev"}, "registration[3]"),
        ({**ADA, "registration[3]": "not an address", "registration[5]": "Dev"}, "registration[3]"),
        ({**ADA, "registration[1]": "  ", "registration[5]": "Dev"}, "registration[1]"),
        (ADA, "registration[5]"),  # the required question
        ({**ADA, "registration[5]": "CEO"}, "registration[5]"),  # not one of the choices
        ({**ADA, "registration[5]": "Dev", "registration[6]": "perhaps"}, "registration[6]"),
        ({"registration": "Ada"}, "registration[3]"),
    ],
)
def test_validation_errors_name_the_field(api, room, data, name):
    body = error_shape(api.post(url(room), data), 422)
    assert name in [error["name"] for error in body["errors"]]
    assert not Registrant.objects.exists()


def test_a_room_without_registration_refuses_with_422(api, business_owner):
    room = make_room(business_owner)
    body = error_shape(api.post(url(room), ADA), 422)
    assert body["errors"][0]["name"] == "registration" and "not enabled" in body["message"]


def test_a_full_room_refuses_with_422(api, business_owner):
    full = make_registration_room(business_owner, max_registrants=1)
    register(full)
    assert (
        "no places left" in error_shape(api.post(url(full), {**ADA, "registration[3]": "b@x.example"}), 422)["message"]
    )


def test_manual_approval_answers_the_link_which_waits_for_approval(api, business_owner):
    room = make_registration_room(business_owner, approval=Approval.MANUAL)
    body = api.post(url(room), ADA).json()
    assert Registrant.objects.get().status == RegistrantStatus.PENDING
    split = urlsplit(body["url"])
    assert Client().get(f"{split.path}?{split.query}", follow=True).status_code == 403


def test_registrations_list_shape_and_statuses(api, room, business_owner):
    api.post(url(room), {**ADA, "registration[4]": "Acme", "registration[5]": "Ops", "registration[6]": "1"})
    bob = register(
        room,
        first_name="Bob",
        last_name="Builder",
        email="bob@example.com",
        **{f"field_{room.registration_fields.get(label='Role').pk}": "Dev"},
    )
    check_reject(business_owner, bob)
    everyone = api.get(url(room, "registrations/all.json")).json()
    assert [r["email"] for r in everyone] == ["ada@example.com", "bob@example.com"]
    assert api.get(url(room, "registrations")).json() == everyone  # without a status (teachbase)
    active = api.get(url(room, "registrations/active.json")).json()
    assert [r["email"] for r in active] == ["ada@example.com"]
    ada = active[0]
    registrant = Registrant.objects.get(email="ada@example.com")
    assert set(ada) == {
        "id",
        "visitor_nickname",
        "email",
        "registration_date",
        "registration_confirmed",
        "session_id",
        "fields",
        "url",
        "r",
        "http_referer",
        "geo",
    }
    assert ada["id"] == registrant.pk and ada["visitor_nickname"] == "Ada Lovelace"
    assert ada["fields"] == {
        "First Name": "Ada",
        "Last Name": "Lovelace",
        "Email Address": "ada@example.com",
        "Company": "Acme",
        "Role": "Ops",
        "Newsletter": "yes",
    }
    assert ada["registration_date"].endswith("+00:00") and "T" in ada["registration_date"]
    assert ada["registration_confirmed"].endswith("+00:00")
    assert ada["session_id"] is None and ada["http_referer"] is None
    assert ada["geo"] == {"country": None, "city": None}
    assert ada["url"].endswith(f"?r={ada['r']}")
    assert everyone[1]["registration_confirmed"] == "null"  # rejected: ClickMeeting's string
    error_shape(api.get(url(room, "registrations/maybe")), 422)


def session_with(room, emails_connected, email_not_connected):
    people = [
        session_actions.do_join(room, key=f"k{i}", display_name=f"P{i}", role="attendee", email=email)
        for i, email in enumerate([*emails_connected, email_not_connected])
    ]
    for person in people[:-1]:
        connect(person, 0, 10)
    return people[0].session


def test_session_registrations_are_the_registrants_who_connected_also_without_the_slash(api, room):
    field = room.registration_fields.get(label="Role")
    for email in ("ada@example.com", "bob@example.com", "cy@example.com"):
        register(room, email=email, **{f"field_{field.pk}": "Dev"})
    session = session_with(room, ["ADA@example.com", "cy@example.com"], "bob@example.com")
    expected = ["ada@example.com", "cy@example.com"]
    spellings = [
        f"sessions/{session.pk}/registrations",
        f"sessions/{session.pk}/registrations/all.json",
        f"sessions{session.pk}/registrations/all.json",  # what every official client requests
        f"sessions{session.pk}/registrations",
    ]
    for spelling in spellings:
        rows = api.get(url(room, spelling)).json()
        assert [r["email"] for r in rows] == expected, spelling
        assert {r["session_id"] for r in rows} == {session.pk}
    Registrant.objects.filter(email="cy@example.com").update(status=RegistrantStatus.PENDING)
    rows = api.get(url(room, f"sessions{session.pk}/registrations/active.json")).json()
    assert [r["email"] for r in rows] == ["ada@example.com"]


def test_another_accounts_room_is_404_and_nothing_registers(api, other_owner):
    theirs = make_registration_room(other_owner)
    error_shape(api.post(url(theirs), ADA), 404)
    error_shape(api.get(url(theirs, "registrations/all")), 404)
    assert not Registrant.objects.exists()


def test_an_ended_room_refuses_with_422(api, business_owner):
    from django.utils import timezone

    from rostrum.rooms.models import Room

    room = make_registration_room(business_owner)
    Room.objects.filter(pk=room.pk).update(starts_at=timezone.now() - timedelta(days=2))
    assert "closed" in error_shape(api.post(url(room), ADA), 422)["message"]


def test_the_answers_match_the_published_description(api, room):
    from rostrum.api.tests.test_sessions import conforms

    register_path = "/api/v1/conferences/{room_id}/registration"
    data = {**ADA, "registration[4]": "Acme", "registration[5]": "Ops", "registration[6]": "1"}
    conforms(api.post(url(room), data), register_path, "POST")
    conforms(api.post(url(room), data), register_path, "POST")  # exist: 1
    conforms(api.get(url(room, "registrations/all")), "/api/v1/conferences/{room_id}/registrations/{status}")
    conforms(api.get(url(room, "registrations")), "/api/v1/conferences/{room_id}/registrations")
    session = session_with(room, ["ada@example.com"], "nobody@example.com")
    conforms(
        api.get(url(room, f"sessions/{session.pk}/registrations/active")),
        "/api/v1/conferences/{room_id}/sessions/{session_id}/registrations/{status}",
    )


def test_the_registrations_list_queries_do_not_grow_with_the_registrants(api, room):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    field = room.registration_fields.get(label="Role")
    register(room, **{f"field_{field.pk}": "Dev"})

    def count() -> int:
        with CaptureQueriesContext(connection) as queries:
            assert len(api.get(url(room, "registrations/all")).json()) >= 1
        return len(queries)

    count()  # the key's first use of the day is recorded once
    before = count()
    for number in range(3):
        register(room, email=f"p{number}@example.com", **{f"field_{field.pk}": "Ops"})
    assert count() == before
