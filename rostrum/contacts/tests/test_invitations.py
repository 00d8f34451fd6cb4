"""Invitations to a room: to contacts, lists and pasted addresses, over real SMTP, unsubscribes honoured."""

import io
from datetime import UTC, datetime

import pytest
from django.apps import apps
from django.core.files.base import ContentFile
from icalendar import Calendar
from PIL import Image

from rostrum.contacts.actions import check_add_to_list, check_create_list
from rostrum.contacts.models import Invitation
from rostrum.contacts.tests.factories import make_contact
from rostrum.contacts.unsubscribe import do_unsubscribe, unsubscribe_url
from rostrum.notifications.models import OutgoingEmail
from rostrum.rooms.tests.factories import make_room

pytestmark = pytest.mark.django_db
STARTS = datetime(2030, 5, 6, 14, 0, tzinfo=UTC)


def invite_data(**overrides) -> dict:
    return {
        "subject": "Join {room_name} ({room_number})",
        "body": "<b>Hi</b> & welcome to {room_name} at {starts_at}.\nLink: {join_link}\nAgenda: {agenda}\n{unknown}",
        "language": "pl",
        **overrides,
    }


@pytest.fixture
def room(owner):
    # The factory types 14:00 into the form, which reads it in the room's time zone.
    room = make_room(owner, starts_at=STARTS, name="Spring <Launch>", timezone="Europe/Warsaw")
    room.description = "1. Welcome\n2. Demo"
    room.save(update_fields=["description"])
    return room


def logo(account) -> None:
    buffer = io.BytesIO()
    Image.new("RGB", (4, 4), "red").save(buffer, "PNG")
    account.image.save("logo.png", ContentFile(buffer.getvalue()))


def test_invitations_reach_the_mail_server_substituted_with_calendar_and_unsubscribe(
    owner, room, client_for, committed, smtp_server
):
    logo(owner.account)
    ada = make_contact(owner, "ada@example.com", language="de")
    grace = make_contact(owner, "grace@example.com")
    make_contact(owner, "gone@example.com")
    speakers = check_create_list(owner, "Speakers")
    check_add_to_list(owner, speakers, [grace.pk, ada.pk])
    do_unsubscribe(owner.account, "gone@example.com")
    client = client_for(owner.user)
    assert f"/rooms/{room.pk}/invite/" in client.get(f"/rooms/{room.pk}/").content.decode()
    with committed():
        response = client.post(
            f"/rooms/{room.pk}/invite/",
            invite_data(
                lists=[speakers.pk], addresses="not an address, New Person <new@example.com>\ngone@example.com"
            ),
        )
    page = response.content.decode()
    assert response.status_code == 400 and "not an address" in page  # reported; the good ones went out
    messages = {m["To"]: m for m in smtp_server.messages()}
    assert set(messages) == {"ada@example.com", "grace@example.com", "new@example.com"}
    message = messages["grace@example.com"]
    assert message["Subject"] == f"Join Spring <Launch> ({room.display_number})"
    assert message["List-Unsubscribe"].strip() == f"<{unsubscribe_url(owner.account, 'grace@example.com')}>"
    assert message["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
    text = message.get_body(("plain",)).get_content().replace("\r\n", "\n")
    join_link = f"http://localhost:8000/r/{owner.account.slug}/{room.slug}/"
    assert f"Link: {join_link}" in text and "Agenda: 1. Welcome\n2. Demo" in text and "{unknown}" in text
    assert "14:00 (Europe/Warsaw)" in text  # the start as the room's time zone reads it
    assert unsubscribe_url(owner.account, "grace@example.com") in text
    html = message.get_body(("html",)).get_content()
    assert "&lt;b&gt;Hi&lt;/b&gt; &amp; welcome to Spring &lt;Launch&gt;" in html and "<b>Hi" not in html
    assert '<img src="http://localhost:8000/media/accounts/images/' in html
    ics = next(part for part in message.iter_attachments() if part.get_filename() == "invitation.ics")
    event = Calendar.from_ical(ics.get_content()).walk("VEVENT")[0]
    assert event.decoded("dtstart") == room.starts_at and str(event["url"]) == join_link
    assert OutgoingEmail.objects.get(to_email="ada@example.com").language == "de"  # the contact's own
    assert OutgoingEmail.objects.get(to_email="new@example.com").language == "pl"  # the form's
    assert not OutgoingEmail.objects.filter(to_email="gone@example.com").exists()
    skipped = Invitation.objects.get(email="gone@example.com")
    assert skipped.is_skipped and skipped.outgoing is None and skipped.contact is not None
    table = client.get(f"/rooms/{room.pk}/invite/").content.decode()
    assert table.count("status-sent") == 3 and table.count("status-skipped") == 1


def test_an_unsubscribed_pasted_address_is_skipped(owner, room, client_for, committed, smtp_server):
    client = client_for(owner.user)
    client.post(unsubscribe_url(owner.account, "Pasted@Example.com").removeprefix("http://localhost:8000"))
    with committed():
        response = client.post(f"/rooms/{room.pk}/invite/", invite_data(addresses="pasted@example.com"))
    assert response.status_code == 302
    assert smtp_server.messages() == []
    assert Invitation.objects.get().is_skipped


def test_more_than_a_thousand_addresses_are_refused_and_nothing_is_sent(owner, room, client_for, committed):
    addresses = "\n".join(f"person{i}@example.com" for i in range(1001))
    with committed():
        response = client_for(owner.user).post(f"/rooms/{room.pk}/invite/", invite_data(addresses=addresses))
    assert response.status_code == 400 and "at most 1000" in response.content.decode()
    assert not Invitation.objects.exists() and not OutgoingEmail.objects.exists()


def test_another_accounts_room_and_lists_are_out_of_reach(owner, other_owner, room, client_for, committed):
    theirs = check_create_list(other_owner, "Theirs")
    check_add_to_list(other_owner, theirs, [make_contact(other_owner, "x@globex.example").pk])
    client = client_for(other_owner.user)
    assert client.get(f"/rooms/{room.pk}/invite/").status_code == 404
    with committed():
        assert client.post(f"/rooms/{room.pk}/invite/", invite_data(addresses="a@b.example")).status_code == 404
        mine = client_for(owner.user).post(f"/rooms/{room.pk}/invite/", invite_data(lists=[theirs.pk]))
    assert mine.status_code == 400
    assert not Invitation.objects.exists() and not OutgoingEmail.objects.exists()


def test_the_join_link_is_the_registration_page_when_registration_is_on(owner, room):
    if not apps.is_installed("rostrum.registration"):
        pytest.skip("the registration app is not installed")
    from rostrum.contacts.invitations import join_link
    from rostrum.registration.models import RegistrationSettings

    assert join_link(room).endswith(f"/r/{owner.account.slug}/{room.slug}/")
    RegistrationSettings.objects.create(room=room, enabled=True)
    assert join_link(room).endswith(f"/r/{owner.account.slug}/{room.slug}/register/")


def test_a_large_address_book_is_offered_by_list_not_by_checkbox(owner, room, client_for, monkeypatch):
    monkeypatch.setattr("rostrum.contacts.invitation_views.CONTACT_CHECKBOX_LIMIT", 1)
    make_contact(owner, "ada@example.com")
    assert 'name="contacts"' in client_for(owner.user).get(f"/rooms/{room.pk}/invite/").content.decode()
    make_contact(owner, "grace@example.com")
    page = client_for(owner.user).get(f"/rooms/{room.pk}/invite/").content.decode()
    assert 'name="contacts"' not in page and "choose them by list" in page
