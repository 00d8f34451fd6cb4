from rostrum.notifications.models import OutboxMessage
from rostrum.privacy.registry import register


def export_outbox(user) -> list[dict]:
    return [
        {"subject": m.subject, "sent": m.created_at.isoformat()}
        for m in OutboxMessage.objects.filter(to__icontains=user.email)
    ]


def erase_outbox(user) -> None:
    for message in OutboxMessage.objects.filter(to__icontains=user.email):
        if user.email.lower() in (r.lower() for r in message.recipients):
            message.delete()


register(
    OutboxMessage,
    fields=("from_email", "to", "subject", "body", "html_body"),
    exporter=export_outbox,
    eraser=erase_outbox,
)
