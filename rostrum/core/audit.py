"""Writing audit entries. Call from actions, after the change they describe."""

from typing import Any

from django.http import HttpRequest

from rostrum.core.models import AuditEntry


def client_ip(request: HttpRequest | None) -> str | None:
    if request is None:
        return None
    return request.META.get("REMOTE_ADDR") or None


def record(
    code: str,
    *,
    account=None,
    actor=None,
    target=None,
    request: HttpRequest | None = None,
    **data: Any,
) -> AuditEntry:
    return AuditEntry.objects.create(
        account=account,
        actor=actor if actor is not None and actor.is_authenticated else None,
        code=code,
        target_type=target._meta.label_lower if target is not None else "",
        target_id=str(target.pk) if target is not None else "",
        data=data,
        ip_address=client_ip(request),
    )
