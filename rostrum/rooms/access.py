from django.shortcuts import get_object_or_404

from rostrum.accounts.access import require_permission
from rostrum.rooms.models import Room


def access_room_by_id(membership, room_id: int, permission: str = "view_rooms") -> Room:
    """The room with this id in the acting membership's account; 404 for anyone else's."""
    require_permission(membership, permission)
    return get_object_or_404(Room, account=membership.account, pk=room_id)


def rooms_of(membership):
    require_permission(membership, "view_rooms")
    return Room.objects.filter(account=membership.account)


def find_room_by_number(number: str) -> Room | None:
    return Room.objects.select_related("account").filter(number=number).first()


def find_room_by_slugs(account_slug: str, room_slug: str) -> Room:
    return get_object_or_404(Room.objects.select_related("account"), account__slug=account_slug, slug=room_slug)
