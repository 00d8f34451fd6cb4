"""The board's exports: PNG and PDF from the session's report, PNG from the room."""

import io

import pytest
from django.test import Client
from django.urls import reverse
from PIL import Image

from rostrum.rooms import session_actions
from rostrum.rooms.constants import PARTICIPANT_KEY_SESSION_KEY, ParticipantRole
from rostrum.whiteboard import actions
from rostrum.whiteboard.models import WhiteboardItem
from rostrum.whiteboard.tests.factories import act, make_drawn_board

pytestmark = pytest.mark.django_db

RED = (0xD3, 0x2F, 0x2F)
WHITE = (255, 255, 255)
SQUARE = ("rect", [[0.25, 0.25], [0.75, 0.75]], "red", 8, "")
GREEN_LINE = ("line", [[0.1, 0.9], [0.9, 0.9]], "green", 8, "")


@pytest.fixture
def drawn(owner):
    """A session whose board has a red square and a green line the host then undid."""
    room, host, board = make_drawn_board(owner, SQUARE, GREEN_LINE)
    act(host, actions.check_undo)
    return room, host, board


def as_participant(participant) -> Client:
    client = Client()
    session = client.session
    session[PARTICIPANT_KEY_SESSION_KEY] = participant.key
    session.save()
    return client


def png(response) -> Image.Image:
    assert response.status_code == 200, response.status_code
    assert response["Content-Type"] == "image/png"
    image = Image.open(io.BytesIO(response.content))
    assert image.format == "PNG"
    return image.convert("RGB")


def export_url(name, room, board) -> str:
    return reverse(name, args=[room.pk, board.session_id])


def test_the_report_exports_the_board_as_it_ended_as_png(client_for, owner, drawn):
    room, _host, board = drawn
    response = client_for(owner.user).get(export_url("whiteboard_png", room, board))
    image = png(response)
    assert image.size == (1280, 720)
    assert image.getpixel((320, 360)) == RED and image.getpixel((640, 360)) == WHITE
    assert image.getpixel((640, 648)) == WHITE  # the undone line is not on it
    assert response["Content-Disposition"] == (
        f'attachment; filename="room-{room.number}-session-{board.session_id}-whiteboard.png"'
    )


def test_the_report_exports_the_board_as_a_one_page_pdf(client_for, owner, drawn):
    from pypdf import PdfReader

    room, _host, board = drawn
    response = client_for(owner.user).get(export_url("whiteboard_pdf", room, board))
    assert response.status_code == 200 and response["Content-Type"] == "application/pdf"
    assert response.content.startswith(b"%PDF")
    reader = PdfReader(io.BytesIO(response.content))
    assert len(reader.pages) == 1
    box = reader.pages[0].mediabox
    assert round(float(box.width) / float(box.height), 2) == round(16 / 9, 2)


def test_the_report_links_to_the_exports_only_when_the_board_has_items(client_for, owner, drawn):
    room, host, board = drawn
    me = client_for(owner.user)
    page = me.get(reverse("room_session_detail", args=[room.pk, board.session_id])).content.decode()
    assert export_url("whiteboard_png", room, board) in page and export_url("whiteboard_pdf", room, board) in page
    assert "Whiteboard:" in page
    act(host, actions.check_clear_board)
    page = me.get(reverse("room_session_detail", args=[room.pk, board.session_id])).content.decode()
    assert "whiteboard.png" not in page and "Whiteboard:" not in page


def test_a_session_that_never_had_a_board_has_no_export_and_no_links(client_for, owner):
    from rostrum.rooms.tests.factories import make_room

    room = make_room(owner, name="No board room")
    host = session_actions.do_join(room, key="host-key", display_name="Hanna", role=ParticipantRole.HOST)
    act(host, session_actions.check_start_session)
    me = client_for(owner.user)
    for name in ("whiteboard_png", "whiteboard_pdf"):
        assert me.get(reverse(name, args=[room.pk, host.session_id])).status_code == 404
    page = me.get(reverse("room_session_detail", args=[room.pk, host.session_id])).content.decode()
    assert "whiteboard.png" not in page and "whiteboard.pdf" not in page and "Whiteboard:" not in page


def test_a_shown_board_left_empty_still_exports_a_blank_picture(client_for, owner):
    room, _host, board = make_drawn_board(owner)
    image = png(client_for(owner.user).get(export_url("whiteboard_png", room, board)))
    assert image.getpixel((320, 360)) == WHITE and image.getpixel((640, 360)) == WHITE


def test_another_account_and_anonymous_visitors_get_no_board(client, client_for, other_owner, drawn):
    room, _host, board = drawn
    intruder = client_for(other_owner.user)
    for name in ("whiteboard_png", "whiteboard_pdf"):
        assert intruder.get(export_url(name, room, board)).status_code == 404
        response = Client().get(export_url(name, room, board))
        assert response.status_code == 302 and "/login/" in response["Location"]


def test_an_analyst_may_export_the_board(client_for, owner, drawn):
    from conftest import add_member

    room, _host, board = drawn
    analyst = add_member(owner, "analyst@example.com", "analyst")
    assert client_for(analyst.user).get(export_url("whiteboard_png", room, board)).status_code == 200


def test_participants_download_the_shown_board_and_nobody_else(owner, drawn):
    room, host, board = drawn
    ann = session_actions.do_join(room, key="ann-key", display_name="Ann", role=ParticipantRole.ATTENDEE)
    url = reverse("whiteboard_image", args=[board.pk])
    image = png(as_participant(ann).get(url))
    assert image.getpixel((320, 360)) == RED
    assert Client().get(url).status_code == 404  # no participant key
    _other_room, otto_host, _other_board = make_drawn_board(owner, name="Other room")
    otto = session_actions.do_join(_other_room, key="otto-key", display_name="Otto", role=ParticipantRole.ATTENDEE)
    assert as_participant(otto).get(url).status_code == 404  # another session's participant
    act(host, actions.check_hide_board)
    assert as_participant(ann).get(url).status_code == 404  # hidden
    assert as_participant(host).get(url).status_code == 404
    assert as_participant(otto_host).get(url).status_code == 404


def test_the_room_png_refuses_those_still_in_the_lobby(owner):
    room, host, board = make_drawn_board(owner, SQUARE)
    act(host, session_actions.check_set_admission, False)
    waiting = session_actions.do_join(room, key="wait-key", display_name="Wes", role=ParticipantRole.ATTENDEE)
    assert not waiting.is_admitted
    assert as_participant(waiting).get(reverse("whiteboard_image", args=[board.pk])).status_code == 404
    assert WhiteboardItem.objects.count() == 1
