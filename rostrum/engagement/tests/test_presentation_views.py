"""The open presentation's page images and file: only for the participants of its session."""

import pytest
from django.db import transaction
from django.test import Client

from rostrum.engagement.actions import presentations
from rostrum.engagement.tests.factories import make_presentable_file
from rostrum.live.context import LiveContext
from rostrum.rooms import session_actions
from rostrum.rooms.constants import PARTICIPANT_KEY_SESSION_KEY, ParticipantRole
from rostrum.rooms.models import Participant
from rostrum.rooms.tests.factories import make_room

pytestmark = pytest.mark.django_db


def as_participant(participant) -> Client:
    """A browser that came through the room page as ``participant`` (its key in the Django session)."""
    client = Client()
    session = client.session
    session[PARTICIPANT_KEY_SESSION_KEY] = participant.key
    session.save()
    return client


def act(participant, function, *args):
    participant = Participant.objects.select_related("session__room__account").get(pk=participant.pk)
    with transaction.atomic():
        return function(LiveContext(participant=participant, session=participant.session), *args)


@pytest.fixture
def shown(owner):
    """A started webinar showing a three-page deck; Ann is in, Otto is in another room's session."""
    room = make_room(owner, name="Deck room")
    host = session_actions.do_join(room, key="host-key", display_name="Hanna", role=ParticipantRole.HOST)
    act(host, session_actions.check_start_session)
    ann = session_actions.do_join(room, key="ann-key", display_name="Ann", role=ParticipantRole.ATTENDEE)
    other_room = make_room(owner, name="Other room")
    other_host = session_actions.do_join(other_room, key="oh-key", display_name="Olga", role=ParticipantRole.HOST)
    act(other_host, session_actions.check_start_session)
    otto = session_actions.do_join(other_room, key="otto-key", display_name="Otto", role=ParticipantRole.ATTENDEE)
    deck = make_presentable_file(owner)
    presentation = act(host, presentations.check_open_presentation, deck.pk)
    return {"host": host, "ann": ann, "otto": otto, "presentation": presentation, "deck": deck}


def page_url(presentation, number: int) -> str:
    return f"/live/presentations/{presentation.pk}/pages/{number}/"


def download_url(presentation) -> str:
    return f"/live/presentations/{presentation.pk}/download/"


def test_a_participant_of_the_session_gets_the_page_images(shown):
    client = as_participant(shown["ann"])
    response = client.get(page_url(shown["presentation"], 2))
    assert response.status_code == 200
    assert response["Content-Type"] == "image/png" and response["X-Content-Type-Options"] == "nosniff"
    assert "private" in response["Cache-Control"]
    body = b"".join(response.streaming_content)
    from rostrum.library.models import LibraryPage

    assert body == LibraryPage.objects.get(file=shown["deck"], number=2).image.read()
    assert client.get(page_url(shown["presentation"], 4)).status_code == 404


def test_anyone_else_gets_no_page_image(shown):
    url = page_url(shown["presentation"], 1)
    assert Client().get(url).status_code == 404  # anonymous
    assert as_participant(shown["otto"]).get(url).status_code == 404  # another session's participant
    stranger = Client()
    session = stranger.session
    session[PARTICIPANT_KEY_SESSION_KEY] = "made-up-key"
    session.save()
    assert stranger.get(url).status_code == 404


def test_an_expelled_participant_or_a_closed_presentation_shows_nothing(shown):
    url = page_url(shown["presentation"], 1)
    Participant.objects.filter(pk=shown["ann"].pk).update(is_expelled=True)  # as participant.expel leaves it
    assert as_participant(shown["ann"]).get(url).status_code == 404
    act(shown["host"], presentations.check_close_presentation)
    assert as_participant(shown["host"]).get(url).status_code == 404


def test_attendees_download_the_file_only_while_downloads_are_allowed(shown):
    ann = as_participant(shown["ann"])
    url = download_url(shown["presentation"])
    assert ann.get(url).status_code == 404
    assert as_participant(shown["host"]).get(url).status_code == 200  # organisers always may
    act(shown["host"], presentations.check_allow_downloads, True)
    response = ann.get(url)
    assert response.status_code == 200
    assert "attachment" in response["Content-Disposition"] and "Quarterly deck.pptx" in response["Content-Disposition"]
    assert as_participant(shown["otto"]).get(url).status_code == 404
    assert Client().get(url).status_code == 404
    act(shown["host"], presentations.check_allow_downloads, False)
    assert ann.get(url).status_code == 404
