"""The embedded default's e-mail backend: every message goes to the outbox (database and files).

Operators read it at /staff/outbox/ or in ``var/outbox/*.eml``; production sets an SMTP backend.
"""

from django.conf import settings
from django.core.mail.backends.base import BaseEmailBackend
from django.utils import timezone

from rostrum.notifications.models import OutboxMessage


def _html_alternative(message) -> str:
    for content, mimetype in getattr(message, "alternatives", []):
        if mimetype == "text/html":
            return content
    return ""


class OutboxEmailBackend(BaseEmailBackend):
    def send_messages(self, email_messages) -> int:
        outbox_dir = settings.OUTBOX_DIR
        outbox_dir.mkdir(parents=True, exist_ok=True)
        sent = 0
        for message in email_messages:
            row = OutboxMessage.objects.create(
                from_email=message.from_email,
                to="\n".join(message.recipients()),
                subject=message.subject,
                body=message.body,
                html_body=_html_alternative(message),
                message_id=message.extra_headers.get("Message-ID", ""),
            )
            path = outbox_dir / f"{timezone.now():%Y%m%d-%H%M%S}-{row.pk}.eml"
            path.write_bytes(message.message().as_bytes())
            row.eml_path = str(path)
            row.save(update_fields=["eml_path"])
            sent += 1
        return sent
