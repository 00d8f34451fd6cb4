"""Rendering e-mail in the recipient's language and queueing it after the transaction commits."""

from django.conf import settings
from django.core.mail import EmailMessage, EmailMultiAlternatives
from django.db import transaction
from django.template.loader import render_to_string
from django.utils import translation


def build_message(template: str, to: str, context: dict, language: str | None = None) -> EmailMultiAlternatives:
    """Render ``notifications/email/<template>_subject.txt`` and ``_body.txt`` in ``language``."""
    with translation.override(language or settings.LANGUAGE_CODE):
        context = {"site_url": settings.SITE_URL, **context}
        subject = render_to_string(f"notifications/email/{template}_subject.txt", context).strip()
        body = render_to_string(f"notifications/email/{template}_body.txt", context)
    subject = " ".join(subject.split())
    return EmailMultiAlternatives(subject=subject, body=body, from_email=settings.DEFAULT_FROM_EMAIL, to=[to])


def build_payload(message: EmailMessage) -> dict:
    """What the delivery task needs of a rendered message: plain, serialisable data."""
    return {
        "subject": str(message.subject),
        "body": str(message.body),
        "from_email": message.from_email,
        "to": list(message.to),
        "alternatives": [list(alternative) for alternative in getattr(message, "alternatives", [])],
        "content_subtype": message.content_subtype,
    }


def queue_on_commit(message: EmailMessage) -> None:
    """Deliver through the task queue once the transaction commits; a rollback sends nothing."""
    from rostrum.notifications.tasks import deliver_email

    payload = build_payload(message)
    transaction.on_commit(lambda: deliver_email(payload))


def send_on_commit(template: str, to: str, context: dict, language: str | None = None) -> None:
    queue_on_commit(build_message(template, to, context, language))
