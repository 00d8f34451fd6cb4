"""Sending templated e-mail in the recipient's language, after the transaction commits."""

from django.conf import settings
from django.core.mail import EmailMultiAlternatives
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


def send_on_commit(template: str, to: str, context: dict, language: str | None = None) -> None:
    """Queue the e-mail for delivery once the transaction commits (nothing is sent for a rollback)."""
    from rostrum.notifications.tasks import deliver_templated_email

    build_message(template, to, context, language)  # fail now, in the request, if the template is broken
    transaction.on_commit(lambda: deliver_templated_email(template, to, context, language))
