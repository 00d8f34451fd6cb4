from pathlib import Path

from rostrum.notifications.models import OutboxMessage
from rostrum.privacy.registry import register


def messages_to(user):
    """Messages with the user's address among their recipients (exactly, not as a substring)."""
    address = user.email.lower()
    candidates = OutboxMessage.objects.filter(to__icontains=address)
    return [m for m in candidates if address in (r.lower() for r in m.recipients)]


def export_outbox(user) -> list[dict]:
    return [{"subject": m.subject, "body": m.body, "sent": m.created_at.isoformat()} for m in messages_to(user)]


def erase_outbox(user) -> None:
    for message in messages_to(user):
        if message.eml_path:
            Path(message.eml_path).unlink(missing_ok=True)
        message.delete()


register(
    OutboxMessage,
    fields=("from_email", "to", "subject", "body", "html_body"),
    exporter=export_outbox,
    eraser=erase_outbox,
)
