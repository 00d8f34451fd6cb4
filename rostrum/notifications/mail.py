"""Rendering e-mail in the recipient's language and putting it in the outbox (see ADR 0007).

``send_on_commit`` is the one way to send e-mail: it renders the message, creates an
``OutgoingEmail`` row in the caller's transaction and enqueues delivery once that commits.
"""

from collections.abc import Iterable

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.mail import EmailMessage, EmailMultiAlternatives
from django.template import TemplateDoesNotExist
from django.template.loader import render_to_string
from django.utils import translation

from rostrum.notifications.actions import Attachment, do_queue_email
from rostrum.notifications.constants import EmailCategory
from rostrum.notifications.models import OutgoingEmail


def resolve_language(to: str, language: str | None) -> str:
    """The language given, else the recipient's own (if they have a login), else the site's."""
    if not language:
        language = get_user_model().objects.filter(email__iexact=to).values_list("language", flat=True).first()
    try:
        return translation.get_supported_language_variant(language or settings.LANGUAGE_CODE)
    except LookupError:
        return settings.LANGUAGE_CODE


def render_email(template: str, context: dict, language: str) -> tuple[str, str, str]:
    """``notifications/email/<template>_subject.txt``, ``_body.txt`` and, if present, ``_body.html``."""
    prefix = f"notifications/email/{template}"
    with translation.override(language):
        context = {"site_url": settings.SITE_URL, **context}
        subject = render_to_string(f"{prefix}_subject.txt", context)
        body = render_to_string(f"{prefix}_body.txt", context)
        try:
            html_body = render_to_string(f"{prefix}_body.html", context)
        except TemplateDoesNotExist:
            html_body = ""
    return " ".join(subject.split()), body, html_body


def build_message(template: str, to: str, context: dict, language: str | None = None) -> EmailMultiAlternatives:
    """The rendered message, not queued (previews, tests)."""
    subject, body, html_body = render_email(template, context, resolve_language(to, language))
    message = EmailMultiAlternatives(subject=subject, body=body, from_email=settings.DEFAULT_FROM_EMAIL, to=[to])
    if html_body:
        message.attach_alternative(html_body, "text/html")
    return message


def send_on_commit(
    template: str,
    to: str,
    context: dict,
    language: str | None = None,
    *,
    account=None,
    category: str = EmailCategory.TRANSACTIONAL,
    kind: str = "",
    attachments: Iterable[Attachment] = (),
    headers: dict | None = None,
) -> OutgoingEmail:
    """Render ``template`` in the recipient's language and queue it; delivery starts after commit.

    ``attachments``: ``(filename, content_bytes, mimetype)`` triples. ``headers``: extra headers
    (e.g. List-Unsubscribe). The returned row shows delivery status; it is ``suppressed`` (and never
    sent) when the address hard-bounced before. A rollback leaves no row and sends nothing.
    """
    language = resolve_language(to, language)
    subject, body, html_body = render_email(template, context, language)
    return do_queue_email(
        to_email=to,
        subject=subject,
        body=body,
        html_body=html_body,
        language=language,
        account=account,
        category=category,
        kind=kind or template,
        attachments=attachments,
        headers=headers,
    )


def _html_alternative(message: EmailMessage) -> str:
    for content, mimetype in getattr(message, "alternatives", []):
        if mimetype == "text/html":
            return content
    return ""


def queue_on_commit(message: EmailMessage, *, kind: str = "") -> list[OutgoingEmail]:
    """An already rendered message (allauth's) through the same outbox: one row per recipient."""
    headers = dict(message.extra_headers)
    if message.reply_to:
        headers["Reply-To"] = ", ".join(message.reply_to)
    attachments = [
        (filename, content.encode() if isinstance(content, str) else content, mimetype)
        for filename, content, mimetype in message.attachments
    ]
    return [
        do_queue_email(
            to_email=recipient,
            subject=str(message.subject),
            body=str(message.body),
            html_body=_html_alternative(message),
            # Rendered in the request's language; that is all we know of the recipient's here.
            language=translation.get_language() or settings.LANGUAGE_CODE,
            from_email=message.from_email,
            kind=kind,
            attachments=attachments,
            headers=headers,
        )
        for recipient in message.recipients()
    ]
