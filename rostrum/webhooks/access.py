"""Fetching webhooks and deliveries with the tenancy check built in: another account's id answers 404."""

from django.shortcuts import get_object_or_404

from rostrum.accounts.access import require_permission
from rostrum.webhooks.models import Webhook, WebhookDelivery

# Webhooks are developers' settings of the whole account, and their secrets sign its data.
PERMISSION = "manage_account"


def webhooks_of(membership):
    require_permission(membership, PERMISSION)
    return Webhook.objects.filter(account=membership.account)


def access_webhook_by_id(membership, webhook_id: int) -> Webhook:
    return get_object_or_404(webhooks_of(membership), pk=webhook_id)


def access_delivery_by_id(membership, webhook_id: int, delivery_id: int) -> WebhookDelivery:
    """A delivery only answers under its own webhook."""
    webhook = access_webhook_by_id(membership, webhook_id)
    return get_object_or_404(WebhookDelivery.objects.select_related("webhook"), webhook=webhook, pk=delivery_id)
