from django.db import transaction

from rostrum.core import events
from rostrum.webhooks.actions import check_create_webhook

ALL_EVENTS = list(events.EVENT_NAMES)


def make_webhook(membership, url: str, events=None):
    """A webhook made through the action the settings page uses (its URL checks included)."""
    with transaction.atomic():
        return check_create_webhook(membership, url=url, events=events or ALL_EVENTS)
