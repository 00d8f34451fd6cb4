"""The account's webhooks: list, create, edit, pause, rotate the secret, delete, and the delivery log.

Views parse and delegate to actions; fetches go through ``access`` (another account's id answers 404).
"""

import json

from django.contrib import messages
from django.core.paginator import Paginator
from django.db import transaction
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from rostrum.accounts.decorators import account_permission_required
from rostrum.webhooks import actions
from rostrum.webhooks.access import PERMISSION, access_delivery_by_id, access_webhook_by_id, webhooks_of
from rostrum.webhooks.constants import DELIVERIES_PER_PAGE, EVENT_CHOICES
from rostrum.webhooks.errors import WebhooksError
from rostrum.webhooks.forms import WebhookForm

EVENT_LABELS = dict(EVENT_CHOICES)


@account_permission_required(PERMISSION)
def webhook_list(request):
    webhooks = webhooks_of(request.membership)
    return render(request, "webhooks/webhook_list.html", {"webhooks": webhooks, "event_labels": EVENT_LABELS})


def _save(request, form, webhook=None):
    """Run the action for a valid form; an address refused meanwhile becomes the URL field's error."""
    data = form.cleaned_data
    try:
        with transaction.atomic():
            if webhook is None:
                return actions.check_create_webhook(
                    request.membership, url=data["url"], events=data["events"], request=request
                )
            actions.check_update_webhook(
                request.membership, webhook, url=data["url"], events=data["events"], request=request
            )
            return webhook
    except WebhooksError as error:
        form.add_error("url" if error.code != "no_events" else "events", error.message)
        return None


@account_permission_required(PERMISSION)
def webhook_create(request):
    form = WebhookForm(request.POST or None)
    if request.method == "POST" and form.is_valid() and (webhook := _save(request, form)):
        messages.success(request, _("Webhook added. Use its secret to verify the signature of each delivery."))
        return redirect("webhook_detail", webhook.pk)
    return render(request, "webhooks/webhook_form.html", {"form": form, "webhook": None})


@account_permission_required(PERMISSION)
def webhook_edit(request, webhook_id: int):
    webhook = access_webhook_by_id(request.membership, webhook_id)
    initial = {"url": webhook.url, "events": webhook.events}
    form = WebhookForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid() and _save(request, form, webhook):
        messages.success(request, _("Webhook saved."))
        return redirect("webhook_detail", webhook.pk)
    return render(request, "webhooks/webhook_form.html", {"form": form, "webhook": webhook})


@account_permission_required(PERMISSION)
def webhook_detail(request, webhook_id: int):
    webhook = access_webhook_by_id(request.membership, webhook_id)
    page = Paginator(webhook.deliveries.all(), DELIVERIES_PER_PAGE).get_page(request.GET.get("page"))
    context = {"webhook": webhook, "page": page, "event_labels": EVENT_LABELS}
    return render(request, "webhooks/webhook_detail.html", context)


@require_POST
@account_permission_required(PERMISSION)
def webhook_set_active(request, webhook_id: int):
    webhook = access_webhook_by_id(request.membership, webhook_id)
    is_active = request.POST.get("active") == "1"
    actions.check_set_webhook_active(request.membership, webhook, is_active, request=request)
    messages.success(request, _("Webhook resumed.") if is_active else _("Webhook paused: nothing is sent to it."))
    return redirect("webhook_detail", webhook.pk)


@require_POST
@account_permission_required(PERMISSION)
def webhook_rotate_secret(request, webhook_id: int):
    webhook = access_webhook_by_id(request.membership, webhook_id)
    actions.check_rotate_secret(request.membership, webhook, request=request)
    messages.success(request, _("New secret made. Deliveries from now on are signed with it."))
    return redirect("webhook_detail", webhook.pk)


@require_POST
@account_permission_required(PERMISSION)
def webhook_delete(request, webhook_id: int):
    webhook = access_webhook_by_id(request.membership, webhook_id)
    actions.check_delete_webhook(request.membership, webhook, request=request)
    messages.success(request, _("Webhook deleted, with its delivery log."))
    return redirect("webhook_list")


@require_POST
@account_permission_required(PERMISSION)
def webhook_ping(request, webhook_id: int):
    webhook = access_webhook_by_id(request.membership, webhook_id)
    with transaction.atomic():
        actions.check_send_ping(request.membership, webhook)
    messages.success(request, _("Test event queued: it appears in the log below."))
    return redirect("webhook_detail", webhook.pk)


@account_permission_required(PERMISSION)
def delivery_detail(request, webhook_id: int, delivery_id: int):
    delivery = access_delivery_by_id(request.membership, webhook_id, delivery_id)
    context = {
        "webhook": delivery.webhook,
        "delivery": delivery,
        "payload": json.dumps(delivery.payload, indent=2, ensure_ascii=False),
        "event_labels": EVENT_LABELS,
    }
    return render(request, "webhooks/delivery_detail.html", context)


@require_POST
@account_permission_required(PERMISSION)
def delivery_retry(request, webhook_id: int, delivery_id: int):
    delivery = access_delivery_by_id(request.membership, webhook_id, delivery_id)
    with transaction.atomic():
        retried = actions.check_retry_delivery(request.membership, delivery)
    if retried:
        messages.success(request, _("Delivery queued again."))
    else:
        messages.error(request, _("Only a failed delivery can be retried."))
    return redirect("webhook_delivery_detail", delivery.webhook_id, delivery.pk)
