"""Session reports for the account's members who may view rooms: the page and its exports. Read only."""

from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, render
from django.views.decorators.http import require_safe

from rostrum.accounts.decorators import account_permission_required
from rostrum.engagement.models import ChatAttachment
from rostrum.engagement.views import chat_file_response
from rostrum.reports import exports
from rostrum.reports.presentation import attendance_chart
from rostrum.reports.session_report import build_session_report
from rostrum.reports.tables import session_tables, table_by_slug
from rostrum.rooms.access import access_room_by_id
from rostrum.rooms.models import Room, Session


def _access_session(request, room_id: int, session_id: int) -> tuple[Room, Session]:
    """The room in the member's account and one of its sessions; 404 for any other pair."""
    room = access_room_by_id(request.membership, room_id, "view_reports")
    return room, get_object_or_404(Session, room=room, pk=session_id)


def _download(content, content_type: str, room: Room, session: Session, suffix: str) -> HttpResponse:
    response = HttpResponse(content, content_type=content_type)
    filename = f"room-{room.number}-session-{session.pk}-{suffix}"
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response


def _report_context(room: Room, session: Session) -> dict:
    report = build_session_report(session)
    return {"room": room, "session": session, "report": report, "chart": attendance_chart(report)}


@require_safe
@account_permission_required("view_reports")
def session_detail(request, room_id: int, session_id: int):
    room, session = _access_session(request, room_id, session_id)
    return render(request, "reports/session_detail.html", _report_context(room, session))


@require_safe
@account_permission_required("view_reports")
def session_chat_csv(request, room_id: int, session_id: int):
    """The chat alone, at the address it has always had."""
    room, session = _access_session(request, room_id, session_id)
    table = table_by_slug(build_session_report(session), "chat")
    return _download(exports.table_csv(table), "text/csv; charset=utf-8", room, session, "chat.csv")


@require_safe
@account_permission_required("view_reports")
def session_chat_file(request, room_id: int, session_id: int, attachment_id: int):
    """A file posted in the session's chat, kept with it (deleted messages' files too, like their text)."""
    _room, session = _access_session(request, room_id, session_id)
    return chat_file_response(request, get_object_or_404(ChatAttachment, session=session, pk=attachment_id))


@require_safe
@account_permission_required("view_reports")
def session_report_zip(request, room_id: int, session_id: int):
    """Every section as a CSV, in one zip file."""
    room, session = _access_session(request, room_id, session_id)
    content = exports.tables_zip(session_tables(build_session_report(session)))
    return _download(content, "application/zip", room, session, "report.zip")


@require_safe
@account_permission_required("view_reports")
def session_report_csv(request, room_id: int, session_id: int):
    """One section as CSV, chosen with ``?section=<slug>`` (the attendees by default)."""
    room, session = _access_session(request, room_id, session_id)
    table = table_by_slug(build_session_report(session), request.GET.get("section", "attendees"))
    if table is None:
        raise Http404
    return _download(exports.table_csv(table), "text/csv; charset=utf-8", room, session, f"{table.slug}.csv")


@require_safe
@account_permission_required("view_reports")
def session_report_xlsx(request, room_id: int, session_id: int):
    room, session = _access_session(request, room_id, session_id)
    content = exports.tables_xlsx(session_tables(build_session_report(session)))
    return _download(content, exports.XLSX_CONTENT_TYPE, room, session, "report.xlsx")


@require_safe
@account_permission_required("view_reports")
def session_report_pdf(request, room_id: int, session_id: int):
    room, session = _access_session(request, room_id, session_id)
    context = {**_report_context(room, session), "print": True}
    content = exports.html_pdf("reports/session_pdf.html", context)
    return _download(content, "application/pdf", room, session, "report.pdf")
