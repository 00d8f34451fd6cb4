"""A started session with its board, drawn on through the real actions."""

from django.db import transaction

from rostrum.live.context import LiveContext
from rostrum.rooms import session_actions
from rostrum.rooms.constants import ParticipantRole
from rostrum.rooms.models import Participant
from rostrum.rooms.tests.factories import make_room
from rostrum.whiteboard import actions


def act(participant, function, *args):
    participant = Participant.objects.select_related("session__room__account").get(pk=participant.pk)
    with transaction.atomic():
        return function(LiveContext(participant=participant, session=participant.session), *args)


def make_drawn_board(membership, *items, name="Board room", room_type="webinar"):
    """A started session of a new room whose host shows the board and adds ``items``
    (``(kind, points, colour, width, text)``). Returns ``(room, host, board)``."""
    room = make_room(membership, name=name, room_type=room_type)
    host = session_actions.do_join(room, key=f"host-{room.pk}", display_name="Hanna", role=ParticipantRole.HOST)
    act(host, session_actions.check_start_session)
    board = act(host, actions.check_show_board)
    for item in items:
        act(host, actions.check_add_item, *item)
    return room, host, board
