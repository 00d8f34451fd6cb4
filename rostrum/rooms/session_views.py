"""After a session, for the account: who attended, and the chat to download. Read only."""

from django.http import HttpResponse
from django.shortcuts import get_object_or_404, render
from django.views.decorators.http import require_safe

from rostrum.accounts.decorators import account_permission_required
from rostrum.engagement.models import ChatMessage
from rostrum.rooms import session_reports
from rostrum.rooms.access import access_room_by_id
from rostrum.rooms.models import Room, Session


def _access_session(request, room_id: int, session_id: int) -> tuple[Room, Session]:
    """The room in the member's account and one of its sessions; 404 for any other pair."""
    room = access_room_by_id(request.membership, room_id)
    return room, get_object_or_404(Session, room=room, pk=session_id)


@require_safe
@account_permission_required("view_rooms")
def session_detail(request, room_id: int, session_id: int):
    room, session = _access_session(request, room_id, session_id)
    rows = session_reports.attendance_rows(session)
    context = {
        "room": room,
        "session": session,
        "rows": rows,
        "participant_count": len({row.participant.pk for row in rows}),
        "chat_count": ChatMessage.objects.filter(session=session).count(),
    }
    return render(request, "rooms/session_detail.html", context)


@require_safe
@account_permission_required("view_rooms")
def session_chat_csv(request, room_id: int, session_id: int):
    room, session = _access_session(request, room_id, session_id)
    response = HttpResponse(session_reports.build_chat_csv(session), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="room-{room.number}-session-{session.pk}-chat.csv"'
    return response
