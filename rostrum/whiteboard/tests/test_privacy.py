"""A person's whiteboard items: exported with their data, erased with it; others' items stay."""

import pytest

from rostrum.rooms import session_actions
from rostrum.rooms.constants import ParticipantRole
from rostrum.whiteboard import actions
from rostrum.whiteboard.models import WhiteboardItem
from rostrum.whiteboard.privacy import erase_items, export_items
from rostrum.whiteboard.tests.factories import act, make_drawn_board

pytestmark = pytest.mark.django_db

CORNERS = [[0.2, 0.2], [0.6, 0.6]]


def test_a_persons_items_are_exported_and_erased(owner, other_owner):
    room, host, _board = make_drawn_board(owner, ("rect", CORNERS, "red", 4, ""), room_type="meeting")
    act(host, actions.check_allow_everyone, True)
    guest = session_actions.do_join(
        room, key="guest-key", display_name="Gus", role=ParticipantRole.ATTENDEE, user=other_owner.user
    )
    act(guest, actions.check_add_item, "text", [[0.1, 0.1]], "blue", 4, "Gus was here")
    host_item = WhiteboardItem.objects.get(author=host)
    act(guest, actions.check_erase_item, host_item.pk)

    exported = export_items(other_owner.user)
    assert [(i["kind"], i["text"], i["colour"]) for i in exported] == [("text", "Gus was here", "blue")]
    erase_items(other_owner.user)
    assert not WhiteboardItem.objects.filter(author=guest).exists()
    host_item.refresh_from_db()
    assert host_item.removed_at is not None and host_item.removed_by_id is None  # the host's drawing stays
