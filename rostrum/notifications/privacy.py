from functools import partial
from pathlib import Path

from django.db import transaction

from rostrum.notifications.models import OutboxMessage, OutgoingAttachment, OutgoingEmail, Suppression
from rostrum.notifications.suppression import normalize_address
from rostrum.privacy.registry import register


def messages_to(user):
    """Messages with the user's address among their recipients (exactly, not as a substring)."""
    address = user.email.lower()
    candidates = OutboxMessage.objects.filter(to__icontains=address)
    return [m for m in candidates if address in (r.lower() for r in m.recipients)]


def export_outbox(user) -> list[dict]:
    return [{"subject": m.subject, "body": m.body, "sent": m.created_at.isoformat()} for m in messages_to(user)]


def erase_outbox(user) -> None:
    """The person's messages, and their .eml copies in the outbox folder once the erasure commits
    (a rolled-back erasure keeps both)."""
    paths = []
    for message in messages_to(user):
        if message.eml_path:
            paths.append(Path(message.eml_path))
        message.delete()
    if paths:
        transaction.on_commit(partial(_unlink, paths))


def _unlink(paths: list[Path]) -> None:
    for path in paths:
        path.unlink(missing_ok=True)


def outgoing_to(user):
    return OutgoingEmail.objects.filter(to_email__iexact=user.email)


def export_outgoing(user) -> list[dict]:
    return [
        {
            "to": email.to_email,
            "subject": email.subject,
            "body": email.body,
            "status": email.status,
            "created": email.created_at.isoformat(),
            "sent": email.sent_at.isoformat() if email.sent_at else None,
            "attachments": [attachment.filename for attachment in email.attachments.all()],
        }
        for email in outgoing_to(user).prefetch_related("attachments")
    ]


def erase_outgoing(user) -> None:
    """Blank the content but keep the row: other apps point at it for delivery status and counts."""
    emails = outgoing_to(user)
    OutgoingAttachment.objects.filter(message__in=emails).delete()
    emails.update(to_email="", from_email="", subject="", body="", html_body="", headers={}, last_error="")


def export_attachments(user) -> list[dict]:
    attachments = OutgoingAttachment.objects.filter(message__in=outgoing_to(user))
    return [{"filename": a.filename, "mimetype": a.mimetype, "size": len(a.content)} for a in attachments]


def erase_attachments(user) -> None:
    OutgoingAttachment.objects.filter(message__in=outgoing_to(user)).delete()


def export_suppression(user) -> list[dict]:
    rows = Suppression.objects.filter(email=normalize_address(user.email))
    return [{"email": s.email, "reason": s.reason, "created": s.created_at.isoformat()} for s in rows]


def erase_suppression(user) -> None:
    Suppression.objects.filter(email=normalize_address(user.email)).delete()


register(
    OutboxMessage,
    fields=("from_email", "to", "subject", "body", "html_body"),
    exporter=export_outbox,
    eraser=erase_outbox,
)
register(
    OutgoingEmail,
    fields=("from_email", "to_email", "subject", "body", "html_body", "headers", "last_error"),
    exporter=export_outgoing,
    eraser=erase_outgoing,
    erase_order=1,  # after its attachments, which are found through its address
)
register(OutgoingAttachment, fields=("filename", "content"), exporter=export_attachments, eraser=erase_attachments)
register(Suppression, fields=("email", "detail"), exporter=export_suppression, eraser=erase_suppression)
