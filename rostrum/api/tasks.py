"""Work the API queues: session report PDFs (``rostrum.api.report_pdfs``)."""

from huey.contrib.djhuey import db_task

from rostrum.api.report_pdfs import do_make_pdf
from rostrum.rooms.models import Session


@db_task()
def make_session_report_pdf(session_id: int, language: str) -> str | None:
    """A session deleted meanwhile leaves nothing to do."""
    session = Session.objects.select_related("room").filter(pk=session_id).first()
    if session is None:
        return None
    return do_make_pdf(session, language)
