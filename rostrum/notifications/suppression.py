"""Addresses Rostrum no longer writes to: hard bounces, and those staff added by hand."""

from rostrum.notifications.constants import SuppressionReason
from rostrum.notifications.models import Suppression


def normalize_address(email: str) -> str:
    return email.strip().lower()


def is_suppressed(email: str) -> bool:
    return Suppression.objects.filter(email=normalize_address(email)).exists()


def do_suppress(email: str, reason: str = SuppressionReason.MANUAL, detail: str = "") -> Suppression:
    """Idempotent: the first reason recorded for an address stays."""
    suppression, _created = Suppression.objects.get_or_create(
        email=normalize_address(email), defaults={"reason": reason, "detail": detail[:2000]}
    )
    return suppression


def do_lift_suppression(suppression: Suppression) -> None:
    """Staff write to the address again (a mistaken bounce, a mailbox that exists again)."""
    suppression.delete()
