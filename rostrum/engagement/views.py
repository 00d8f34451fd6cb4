"""The open presentation's page images and its file, for the participants of its session only.

A browser is recognised as on the room page (``rooms.views.participant_key``): by the participant
key in its Django session. Anyone else, and any presentation that is not open, is not found.
"""

import mimetypes

from django.conf import settings
from django.db import transaction
from django.http import FileResponse, Http404, JsonResponse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from rostrum.core.streaming import file_response as streamed_file_response
from rostrum.engagement.actions.chat import attachment_data, can_see
from rostrum.engagement.actions.chat_files import check_file_size, check_post_file
from rostrum.engagement.models import ChatAttachment, Presentation
from rostrum.library.downloads import file_response, stored_file_response
from rostrum.live.context import viewer_of
from rostrum.live.errors import LiveError
from rostrum.rooms.constants import PARTICIPANT_KEY_SESSION_KEY
from rostrum.rooms.models import Participant

# An upload's refusal, as an HTTP status; the body says ``{"code", "message"}`` for the chat's status line.
CHAT_FILE_STATUS = {
    "file_too_large": 413,
    "session_files_full": 413,
    "unsupported_type": 415,
    "rate_limited": 429,
    "files_not_allowed": 403,
    "chat_muted": 403,
    "chat_locked": 403,
    "not_admitted": 403,
    "session_ended": 409,
}
# Room for the multipart envelope and a caption around the largest file.
UPLOAD_OVERHEAD_BYTES = 64 * 1024


def access_presentation_by_browser(request, presentation_id: int) -> tuple[Presentation, Participant]:
    """The open presentation and this browser's participant in its session, or 404."""
    key = request.session.get(PARTICIPANT_KEY_SESSION_KEY)
    presentation = (
        Presentation.objects.select_related("file", "session").filter(pk=presentation_id, closed_at=None).first()
    )
    if not key or presentation is None or presentation.session.ended_at is not None:
        raise Http404
    participant = Participant.objects.filter(session=presentation.session, key=key, is_expelled=False).first()
    if participant is None or not (participant.is_admitted or participant.is_organiser):
        raise Http404
    return presentation, participant


@require_GET
def presentation_page(request, presentation_id: int, number: int):
    from rostrum.engagement.actions.presentations import library_pages

    presentation, _participant = access_presentation_by_browser(request, presentation_id)
    page = library_pages(presentation.file).filter(number=number).first()
    if page is None or not page.image:
        raise Http404
    try:
        stream = page.image.open("rb")
    except (FileNotFoundError, ValueError):
        raise Http404 from None
    content_type = mimetypes.guess_type(page.image.name)[0] or "image/png"
    image_type = content_type if content_type.startswith("image/") else "image/png"
    response = streamed_file_response(request, stream, content_type=image_type)
    response["X-Content-Type-Options"] = "nosniff"
    # Private: a page is for this session's participants; it does not change while it is shown.
    response["Cache-Control"] = "private, max-age=3600"
    return response


@require_GET
def presentation_download(request, presentation_id: int):
    """The original file, while the presenter allows downloads (organisers always may)."""
    presentation, participant = access_presentation_by_browser(request, presentation_id)
    if not (presentation.downloads_allowed or participant.is_organiser):
        raise Http404
    return file_response(request, presentation.file)


def access_participant_by_browser(request, session_id: int) -> Participant:
    """This browser's participant in the session (by the room page's key), or 404."""
    key = request.session.get(PARTICIPANT_KEY_SESSION_KEY)
    participant = Participant.objects.filter(session_id=session_id, key=key, is_expelled=False).first() if key else None
    if participant is None:
        raise Http404
    return participant


def access_chat_attachment_by_browser(request, attachment_id: int) -> ChatAttachment:
    """A file posted in chat, for a participant of its session who can see its message; else 404."""
    key = request.session.get(PARTICIPANT_KEY_SESSION_KEY)
    attachment = (
        ChatAttachment.objects.select_related("message").filter(pk=attachment_id, message__deleted_at=None).first()
    )
    if not key or attachment is None:
        raise Http404
    participant = access_participant_by_browser(request, attachment.session_id)
    if not can_see(attachment.message, viewer_of(participant)):
        raise Http404
    return attachment


def chat_file_response(request, attachment: ChatAttachment) -> FileResponse:
    """Always a download (never shown in the page), with the sniffed type and the cleaned name."""
    return stored_file_response(request, attachment.file, attachment.name, attachment.content_type, as_attachment=True)


def _refusal(code: str, message: str, status: int = 400) -> JsonResponse:
    return JsonResponse({"code": code, "message": message}, status=status)


@transaction.non_atomic_requests  # check_post_file stores the bytes, then records them in its own transaction
@require_POST
def chat_file_upload(request, session_id: int):
    """A file for the chat, from the room page (multipart: ``file`` and an optional caption ``text``)."""
    participant = access_participant_by_browser(request, session_id)
    declared = int(request.META.get("CONTENT_LENGTH") or 0)
    if declared > settings.CHAT_FILE_MAX_BYTES + UPLOAD_OVERHEAD_BYTES:  # refused before the body is read
        try:
            check_file_size(declared)
        except LiveError as error:
            return _refusal(error.code, error.message, 413)
    uploaded = request.FILES.get("file")
    if uploaded is None:
        return _refusal("no_file", _("Choose a file to send."))
    try:
        attachment = check_post_file(participant.pk, uploaded, request.POST.get("text", ""))
    except LiveError as error:
        return _refusal(error.code, error.message, CHAT_FILE_STATUS.get(error.code, 400))
    return JsonResponse(
        {"id": attachment.pk, "message_id": attachment.message_id, "attachment": attachment_data(attachment)},
        status=201,
    )


@require_GET
def chat_file_download(request, attachment_id: int):
    return chat_file_response(request, access_chat_attachment_by_browser(request, attachment_id))
