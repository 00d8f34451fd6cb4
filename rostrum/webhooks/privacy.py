"""Deliveries copy event payloads, which name people (a registrant's or participant's e-mail and name)."""

from rostrum.privacy.registry import declare_no_personal_data, register
from rostrum.webhooks.models import Webhook, WebhookDelivery


def _mentions(value, address: str) -> bool:
    if isinstance(value, dict):
        return any(_mentions(item, address) for item in value.values())
    if isinstance(value, list):
        return any(_mentions(item, address) for item in value)
    return isinstance(value, str) and value.lower() == address


def deliveries_about(user) -> list[WebhookDelivery]:
    """Deliveries whose payload holds the user's address as a value (exactly, not as a substring)."""
    address = user.email.lower()
    if not address:
        return []
    candidates = WebhookDelivery.objects.filter(payload__icontains=address).select_related("webhook")
    return [delivery for delivery in candidates if _mentions(delivery.payload, address)]


def export_deliveries(user) -> list[dict]:
    return [
        {
            "event": delivery.event,
            "to": delivery.webhook.url,
            "payload": delivery.payload,
            "status": delivery.status,
            "created": delivery.created_at.isoformat(),
        }
        for delivery in deliveries_about(user)
    ]


def erase_deliveries(user) -> None:
    """Blank the payload, keep the row: the log still shows that something was delivered, and when.

    One not delivered yet goes out with an empty ``data``; the receiver got the rest before.
    """
    ids = [delivery.pk for delivery in deliveries_about(user)]
    WebhookDelivery.objects.filter(pk__in=ids).update(payload={}, last_error="")


declare_no_personal_data(Webhook, "an account's integration endpoint; who created it is the account's record")
register(
    WebhookDelivery,
    fields=("payload", "last_error"),
    exporter=export_deliveries,
    eraser=erase_deliveries,
)
