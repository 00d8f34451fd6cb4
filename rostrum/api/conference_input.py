"""ClickMeeting's create/update parameters (spec §5) turned into the room page's own form.

The API validates a room exactly as the page does: the parameters become RoomForm data (over the
room's current values for an update), the form's errors come back as 422 under the API's names,
and the same ``check_*`` actions save. What RoomForm does not know (status, registration,
``settings[...]``, skin) is read here and applied by the endpoint through the domain's actions.
"""

import zoneinfo
from dataclasses import dataclass, field
from datetime import timedelta

from django.utils import timezone
from django.utils.translation import gettext as _

from rostrum.api import params
from rostrum.api.constants import SKINS
from rostrum.api.errors import ApiError
from rostrum.api.shapes.conference import (
    ACCESS_TYPES_BY_NUMBER,
    ACTIVE,
    INACTIVE,
    INERT_BOOLEAN_SETTINGS,
    INERT_TEXT_SETTINGS,
)
from rostrum.rooms.forms import RoomForm
from rostrum.rooms.models import Room

EARLIEST_YEAR, LATEST_YEAR = 1970, 2999
DEFAULT_DURATION_MINUTES = 60  # a scheduled room created without a duration lasts an hour
# RoomForm's field names → the API's, for the 422's errors[].name.
FORM_TO_API = {
    "starts_at_local": "starts_at",
    "duration_minutes": "duration",
    "slug": "custom_room_url_name",
    "is_permanent": "permanent_room",
    "is_public": "settings[show_on_personal_page]",
    "__all__": "",
}
# RoomsError codes of check_create_room/check_update_room → the parameter they are about.
ERROR_CODE_TO_API = {"feature_unavailable": "access_type", "slug_taken": "custom_room_url_name"}


@dataclass
class ConferenceInput:
    form: RoomForm
    is_active: bool | None = None
    registration_enabled: bool | None = None
    thank_you_emails_enabled: bool | None = None
    compat_settings: dict = field(default_factory=dict)


def _dict(value) -> dict:
    return value if isinstance(value, dict) else {}


def _current_values(room: Room) -> dict:
    local = room.starts_at.astimezone(zoneinfo.ZoneInfo(room.timezone)) if room.starts_at else None
    return {
        "room_type": room.room_type,
        "name": room.name,
        "slug": room.slug,
        "description": room.description,
        "is_permanent": room.is_permanent,
        "starts_at_local": local.strftime("%Y-%m-%dT%H:%M:%S") if local else "",
        "duration_minutes": room.duration_minutes if room.duration_minutes is not None else "",
        "timezone": room.timezone,
        "access_type": room.access_type,
        "password": room.password,
        "lobby_enabled": room.lobby_enabled,
        "lobby_description": room.lobby_description,
        "is_public": room.is_public,
        "chat_files_allowed": room.chat_files_allowed,  # not an API parameter: an API edit keeps it
    }


def _defaults(account) -> dict:
    return {
        "is_permanent": False,
        "timezone": account.timezone,
        "access_type": "open",
        "lobby_enabled": True,
        "lobby_description": "",
        "is_public": False,
        "description": "",
        "starts_at_local": "",
        "duration_minutes": "",
    }


def _zone(name: str) -> zoneinfo.ZoneInfo:
    try:
        return zoneinfo.ZoneInfo(name)
    except (zoneinfo.ZoneInfoNotFoundError, ValueError):
        return zoneinfo.ZoneInfo("UTC")  # the form reports the bad zone itself


def _text(p: dict, name: str) -> str | None:
    return params.as_str(p.get(name), name)


def read_conference_input(p: dict, account, room: Room | None = None) -> ConferenceInput:
    """Parameters → a bound RoomForm (not yet validated) and the extras. Unknown keys are ignored."""
    data = _current_values(room) if room else _defaults(account)
    for api_name, form_name in (
        ("name", "name"),
        ("room_type", "room_type"),
        ("description", "description"),
        ("password", "password"),
        ("lobby_description", "lobby_description"),
        ("custom_room_url_name", "slug"),
    ):
        value = _text(p, api_name)
        if value is not None:
            data[form_name] = value
    timezone_name = params.as_str(p.get("timezone"), "timezone")
    if timezone_name is not None:
        data["timezone"] = timezone_name
    permanent = params.as_bool(p.get("permanent_room"), "permanent_room")
    if permanent is not None:
        data["is_permanent"] = permanent
    lobby = params.as_bool(p.get("lobby_enabled"), "lobby_enabled")
    if lobby is not None:
        data["lobby_enabled"] = lobby
    access = params.as_int(p.get("access_type"), "access_type")
    if access is not None:
        if access not in ACCESS_TYPES_BY_NUMBER:
            raise ApiError.invalid("access_type", _("access_type must be 1 (open), 2 (password) or 3 (tokens)."))
        data["access_type"] = ACCESS_TYPES_BY_NUMBER[access]
    duration = params.as_duration(p.get("duration"), "duration")
    if duration is not None:
        data["duration_minutes"] = duration
    zone = _zone(data["timezone"])
    starts_at = params.as_datetime(p.get("starts_at"), zone, "starts_at")
    if starts_at is not None:
        if not EARLIEST_YEAR <= starts_at.year <= LATEST_YEAR:  # and far from datetime's limits
            raise ApiError.invalid("starts_at", _("starts_at is out of range."))
        data["starts_at_local"] = starts_at.astimezone(zone).strftime("%Y-%m-%dT%H:%M:%S")
    if not data["is_permanent"]:
        # ClickMeeting's defaults for a one-time room: it starts now and lasts an hour.
        if not data["starts_at_local"]:
            soon = timezone.now().astimezone(zone) + timedelta(minutes=1)
            data["starts_at_local"] = soon.strftime("%Y-%m-%dT%H:%M:00")
        if data["duration_minutes"] in ("", None):
            data["duration_minutes"] = DEFAULT_DURATION_MINUTES

    settings_in = _dict(p.get("settings"))
    public = params.as_bool(settings_in.get("show_on_personal_page"), "settings[show_on_personal_page]")
    if public is not None:
        data["is_public"] = public

    compat = dict(room.compat_settings) if room else {}
    stored = dict(compat.get("settings", {}))
    for key in INERT_BOOLEAN_SETTINGS:
        value = params.as_bool(settings_in.get(key), f"settings[{key}]")
        if value is not None:
            stored[key] = value
    encryption = params.as_bool(p.get("encryption_enabled"), "encryption_enabled")  # also seen top-level
    if encryption is not None and "encryption_enabled" not in settings_in:
        stored["encryption_enabled"] = encryption
    for key in INERT_TEXT_SETTINGS:
        value = params.as_str(settings_in.get(key), f"settings[{key}]", max_length=500)
        if value is not None:
            stored[key] = value
    compat["settings"] = stored
    skin = params.as_str(p.get("skin_id"), "skin_id")
    if skin is not None:
        skin = skin.removesuffix(".0")
        if skin not in {s["id"] for s in SKINS}:
            raise ApiError.invalid("skin_id", _("Unknown skin_id: choose one from conferences/skins."))
        compat["skin_id"] = skin

    registration = _dict(p.get("registration"))
    registration_enabled = params.as_bool(registration.get("enabled"), "registration[enabled]")
    if registration_enabled is None:  # ad-hoc apps send it top-level
        registration_enabled = params.as_bool(p.get("registration_enabled"), "registration_enabled")
    template = params.as_int(registration.get("template"), "registration[template]", minimum=1, maximum=3)
    if template is not None:
        compat["registration_template"] = template

    status = params.as_str(p.get("status"), "status")
    if status is not None and status not in (ACTIVE, INACTIVE):
        raise ApiError.invalid("status", _("status must be active or inactive."))
    return ConferenceInput(
        form=RoomForm(data, instance=room, account=account),
        is_active=None if status is None else status == ACTIVE,
        registration_enabled=registration_enabled,
        thank_you_emails_enabled=params.as_bool(
            settings_in.get("thank_you_emails_enabled"), "settings[thank_you_emails_enabled]"
        ),
        compat_settings=compat,
    )


def form_errors(form) -> ApiError:
    """The form's errors, in its own words, under the API's parameter names."""
    errors = [
        (FORM_TO_API.get(name, name), str(message)) for name, messages in form.errors.items() for message in messages
    ]
    return ApiError(422, errors[0][1], errors)
