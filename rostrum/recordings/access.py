"""Fetching recordings with the tenancy check built in: another account's id answers 404."""

from django.shortcuts import get_object_or_404

from rostrum.accounts.access import require_permission
from rostrum.recordings.constants import VIEW_PERMISSION
from rostrum.recordings.models import Recording


def recordings_of(membership):
    require_permission(membership, VIEW_PERMISSION)
    return Recording.objects.filter(account=membership.account).select_related("room", "session")


def access_recording_by_id(membership, recording_id: int, permission: str = VIEW_PERMISSION) -> Recording:
    require_permission(membership, permission)
    return get_object_or_404(
        Recording.objects.select_related("room", "session"), account=membership.account, pk=recording_id
    )
