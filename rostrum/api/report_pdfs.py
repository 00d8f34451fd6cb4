"""Session report PDFs for the API (spec §3.3 rows 16 and 18): made by a task, kept in private storage.

``GET .../generate-pdf/<lang>`` asks for one; the answer is ``NEW`` (just queued), ``IN PROGRESS``
(queued or being written) or ``FINISHED`` with a ``url``: a signed link to the file that works
without the key (as ClickMeeting's do) for ``PDF_LINK_MAX_AGE``. Each answer signs a fresh link.

State lives where every process sees it: the file in private storage is the result; a cache entry
marks a request in flight (it expires, so a task lost with its worker is queued again on the
next poll). A PDF is a snapshot: while the session is live it stays as first made; once the
session has ended, the next request makes the final one (the key includes the end).
"""

from django.conf import settings
from django.core import signing
from django.core.cache import cache
from django.core.files.base import ContentFile
from django.db import transaction
from django.urls import reverse
from django.utils import translation

from rostrum.core.storage import StoredFile, private_storage
from rostrum.rooms.models import Session

PDF_LINK_MAX_AGE = 24 * 3600  # seconds a signed link works
PDF_PENDING_TIMEOUT = 15 * 60  # seconds before a request still unanswered is queued again
PDF_LINK_SALT = "api.session_report_pdf"
# Spellings ClickMeeting's clients use for languages we have under another code.
LANGUAGE_ALIASES = {
    "us": "en",
    "gb": "en",
    "en-us": "en",
    "en-gb": "en",
    "pt": "pt-br",
    "br": "pt-br",
    "pt_br": "pt-br",
}


def report_language(value: str | None) -> str | None:
    """Our language code for what a client sent (``en``, ``PL``, ``us``, ``pt_BR``), None if unknown."""
    code = (value or "").strip().lower()
    code = LANGUAGE_ALIASES.get(code, code)
    return code if code in dict(settings.LANGUAGES) else None


def report_languages() -> list[str]:
    return [code for code, _name in settings.LANGUAGES]


def pdf_folder(session_id: int) -> str:
    return f"reports/session-{session_id}"


def pdf_key(session: Session, language: str) -> str:
    state = f"ended-{session.ended_at:%Y%m%d%H%M%S}" if session.ended_at else "live"
    return f"{pdf_folder(session.pk)}/report-{state}-{language}.pdf"


def report_pdfs_of_sessions(sessions) -> list[StoredFile]:
    """Every PDF made of ``sessions`` (live and final, each language): they name people, so they go
    when the sessions do (registered under ``rooms.Session``)."""
    storage = private_storage()
    found: list[StoredFile] = []
    for session_id in sessions.values_list("pk", flat=True):
        folder = pdf_folder(session_id)
        try:
            _folders, names = storage.listdir(folder)
        except FileNotFoundError:  # no PDF asked for
            continue
        found += [(storage, f"{folder}/{name}") for name in names]
    return found


def report_pdfs_naming(participants) -> list[StoredFile]:
    """The PDFs of the sessions ``participants`` took part in: erasing a person deletes them (they
    name her); the next request makes them again without her (registered under ``rooms.Participant``)."""
    return report_pdfs_of_sessions(Session.objects.filter(participants__in=participants).distinct())


def _pending_key(session: Session, language: str) -> str:
    return f"api:report-pdf:{pdf_key(session, language)}"


def signed_url(session: Session, language: str) -> str:
    token = signing.dumps([session.pk, language, pdf_key(session, language)], salt=PDF_LINK_SALT)
    return settings.SITE_URL.rstrip("/") + reverse("api_session_report_pdf_download", args=[token])


def key_for_signed(token: str) -> str | None:
    """The storage key a signed link names, if the signature is good and recent; else None."""
    try:
        _session_id, _language, key = signing.loads(token, salt=PDF_LINK_SALT, max_age=PDF_LINK_MAX_AGE)
    except (signing.BadSignature, ValueError, TypeError):
        return None
    return key if isinstance(key, str) and key.startswith("reports/session-") else None


def pdf_status(session: Session, language: str) -> dict | None:
    """``{"status", "progress", "url"?}`` once asked for; None when nobody asked yet."""
    if private_storage().exists(pdf_key(session, language)):
        return {"status": "FINISHED", "progress": 100, "url": signed_url(session, language)}
    if cache.get(_pending_key(session, language)):
        return {"status": "IN PROGRESS", "progress": 50}
    return None


def request_pdf(session: Session, language: str) -> dict:
    """The status, queueing the work (after commit) when it is neither done nor in flight."""
    status = pdf_status(session, language)
    if status is not None:
        return status
    if cache.add(_pending_key(session, language), 1, timeout=PDF_PENDING_TIMEOUT):
        from rostrum.api.tasks import make_session_report_pdf

        transaction.on_commit(lambda: make_session_report_pdf(session.pk, language))
    return {"status": "NEW", "progress": 0}


def do_make_pdf(session: Session, language: str) -> str:
    """Write the report PDF in ``language`` (the page's own template and builder); returns the key."""
    from rostrum.reports import exports
    from rostrum.reports.presentation import attendance_chart
    from rostrum.reports.session_report import build_session_report

    key = pdf_key(session, language)
    with translation.override(language):
        report = build_session_report(session)
        context = {
            "room": session.room,
            "session": session,
            "report": report,
            "chart": attendance_chart(report),
            "print": True,
        }
        content = exports.html_pdf("reports/session_pdf.html", context)
    storage = private_storage()
    if storage.exists(key):
        storage.delete(key)
    storage.save(key, ContentFile(content))
    cache.delete(_pending_key(session, language))
    return key
