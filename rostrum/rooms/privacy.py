from rostrum.privacy.registry import declare_no_personal_data, register
from rostrum.rooms.models import AccessToken, Room


def export_token_uses(user) -> list[dict]:
    # Token uses are by display name only; they are tied to no login, so nothing is found by user.
    return []


def erase_token_uses(user) -> None:
    AccessToken.objects.filter(used_by_name__in={user.get_full_name(), user.email}).update(used_by_name="")


declare_no_personal_data(Room, "a room's settings; who created it is the account's business record")
register(AccessToken, fields=("used_by_name",), exporter=export_token_uses, eraser=erase_token_uses)
