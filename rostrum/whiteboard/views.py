"""The board as PNG or PDF: for the account's members from the session's report, and for the
participants in the room (the board shown now).

Account side: like the report's exports (``view_reports``; another account's room or session is
404). Room side: like the presentation's pages, the browser's participant key
(``rooms.views.participant_key``) in its Django session is the permission.
"""

import io

from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404
from django.views.decorators.http import require_safe

from rostrum.accounts.decorators import account_permission_required
from rostrum.rooms.access import access_room_by_id
from rostrum.rooms.constants import PARTICIPANT_KEY_SESSION_KEY
from rostrum.rooms.models import Participant, Session
from rostrum.whiteboard.actions import visible_items
from rostrum.whiteboard.models import Whiteboard
from rostrum.whiteboard.render import render_board


def _session_items(request, room_id: int, session_id: int):
    """The room in the member's account, one of its sessions, and what is on its board at the end.
    A session whose board was never shown has none to export: 404, not a blank picture."""
    room = access_room_by_id(request.membership, room_id, "view_reports")
    session = get_object_or_404(Session, room=room, pk=session_id)
    board = get_object_or_404(Whiteboard, session=session)
    return room, session, visible_items(board)


def _image_response(content: bytes, content_type: str, filename: str | None = None) -> HttpResponse:
    response = HttpResponse(content, content_type=content_type)
    response["X-Content-Type-Options"] = "nosniff"
    response["Cache-Control"] = "private, no-store"  # the board changes while it is shown
    if filename:
        response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response


def png_bytes(items) -> bytes:
    buffer = io.BytesIO()
    render_board(items).save(buffer, format="PNG", optimize=True)
    return buffer.getvalue()


def pdf_bytes(items) -> bytes:
    buffer = io.BytesIO()
    render_board(items).save(buffer, format="PDF", resolution=96.0)
    return buffer.getvalue()


@require_safe
@account_permission_required("view_reports")
def whiteboard_png(request, room_id: int, session_id: int):
    room, session, items = _session_items(request, room_id, session_id)
    filename = f"room-{room.number}-session-{session.pk}-whiteboard.png"
    return _image_response(png_bytes(items), "image/png", filename)


@require_safe
@account_permission_required("view_reports")
def whiteboard_pdf(request, room_id: int, session_id: int):
    room, session, items = _session_items(request, room_id, session_id)
    filename = f"room-{room.number}-session-{session.pk}-whiteboard.pdf"
    return _image_response(pdf_bytes(items), "application/pdf", filename)


def access_board_by_browser(request, board_id: int) -> Whiteboard:
    """The shown board of a session this browser takes part in (let in, not removed), or 404."""
    key = request.session.get(PARTICIPANT_KEY_SESSION_KEY)
    board = Whiteboard.objects.select_related("session").filter(pk=board_id, is_shown=True).first()
    if not key or board is None or board.session.ended_at is not None:
        raise Http404
    participant = Participant.objects.filter(session=board.session, key=key, is_expelled=False).first()
    if participant is None or not (participant.is_admitted or participant.is_organiser):
        raise Http404
    return board


@require_safe
def whiteboard_image(request, board_id: int):
    """The board as it is now, for "Download PNG" in the room."""
    board = access_board_by_browser(request, board_id)
    return _image_response(png_bytes(visible_items(board)), "image/png", f"whiteboard-{board.pk}.png")
