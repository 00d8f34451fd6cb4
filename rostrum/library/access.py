"""Fetching library files with the tenancy check built in: another account's id answers 404."""

from django.shortcuts import get_object_or_404

from rostrum.accounts.access import require_permission
from rostrum.library.constants import VIEW_PERMISSION
from rostrum.library.models import LibraryFile


def files_of(membership, room=None):
    """The account's files (only those attached to ``room`` when given), newest first."""
    require_permission(membership, VIEW_PERMISSION)
    files = LibraryFile.objects.filter(account=membership.account)
    return files.filter(room=room) if room is not None else files


def access_file_by_id(membership, file_id: int, permission: str = VIEW_PERMISSION) -> LibraryFile:
    require_permission(membership, permission)
    return get_object_or_404(LibraryFile.objects.select_related("room"), account=membership.account, pk=file_id)
