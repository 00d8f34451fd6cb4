"""The open presentation's page images and its file, for the participants of its session only.

A browser is recognised as on the room page (``rooms.views.participant_key``): by the participant
key in its Django session. Anyone else, and any presentation that is not open, is not found.
"""

import mimetypes

from django.http import FileResponse, Http404
from django.views.decorators.http import require_GET

from rostrum.engagement.models import Presentation
from rostrum.library.downloads import file_response
from rostrum.rooms.constants import PARTICIPANT_KEY_SESSION_KEY
from rostrum.rooms.models import Participant


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
    response = FileResponse(stream, content_type=content_type if content_type.startswith("image/") else "image/png")
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
    return file_response(presentation.file)
