import zoneinfo

from django.db import models
from django.utils.translation import gettext_lazy as _


class Role(models.TextChoices):
    OWNER = "owner", _("Owner")
    ADMIN = "admin", _("Admin")
    HOST = "host", _("Host")
    ANALYST = "analyst", _("Analyst")


# What each role may do. Views and actions ask for a permission, never for a role.
PERMISSIONS: dict[str, set[str]] = {
    "manage_account": {Role.OWNER, Role.ADMIN},
    "manage_team": {Role.OWNER, Role.ADMIN},
    "manage_rooms": {Role.OWNER, Role.ADMIN, Role.HOST},
    "view_rooms": {Role.OWNER, Role.ADMIN, Role.HOST, Role.ANALYST},
    "view_reports": {Role.OWNER, Role.ADMIN, Role.HOST, Role.ANALYST},
    # An API key acts as its member, so a key can never do more than its member's role allows;
    # analysts only read, and reading through the API is not worth a key that could leak.
    "use_api": {Role.OWNER, Role.ADMIN, Role.HOST},
}

API_KEY_LENGTH = 40  # hex characters, like ClickMeeting's keys
API_KEY_PREFIX_LENGTH = 8

# Roles an owner or admin can hand out by invitation (ownership is never handed out this way).
INVITABLE_ROLES = [Role.ADMIN, Role.HOST, Role.ANALYST]

TIME_ZONE_CHOICES = [(name, name) for name in sorted(zoneinfo.available_timezones()) if "/" in name or name == "UTC"]

INVITATION_VALID_DAYS = 14
ACCOUNT_IMAGE_MAX_BYTES = 2 * 1024 * 1024
ACCOUNT_IMAGE_MAX_PIXELS = 4096


def validate_timezone(value: str) -> None:
    from django.core.exceptions import ValidationError

    if value not in zoneinfo.available_timezones():
        raise ValidationError(_("Choose a time zone from the list."), code="invalid_timezone")
