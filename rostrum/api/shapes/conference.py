"""The conference object (spec §4.1) and the access token (§4.2), built from a Room.

``build_conference`` is pure apart from reading the room's registration settings (select them
with ``conference_queryset``). Values Rostrum has no feature for are derived, stable and inert:
the role hashes, phone PINs and widgets hash are HMACs of the room id, so they never change and
cannot be guessed, but nothing accepts them.
"""

import zoneinfo
from datetime import datetime

from django.conf import settings
from django.db.models import Prefetch
from django.urls import reverse
from django.utils import timezone
from django.utils.crypto import salted_hmac
from rest_framework import serializers

from rostrum.api.constants import DEFAULT_SKIN_ID
from rostrum.rooms.autologin import make_autologin_hash
from rostrum.rooms.constants import AccessType, ParticipantRole
from rostrum.rooms.models import AccessToken, Room

ACCESS_TYPE_NUMBERS = {AccessType.OPEN: 1, AccessType.PASSWORD: 2, AccessType.TOKEN: 3}
ACCESS_TYPES_BY_NUMBER = {number: access for access, number in ACCESS_TYPE_NUMBERS.items()}
ROLE_HASH_ROLES = ("listener", "presenter", "host")
# settings[...] keys (spec §5.2) that are stored and echoed but have no Rostrum feature behind them.
INERT_BOOLEAN_SETTINGS = (
    "connection_tester_enabled",
    "phonegateway_enabled",
    "recorder_autostart_enabled",
    "room_invite_button_enabled",
    "social_media_sharing_enabled",
    "connection_status_enabled",
    "encryption_enabled",
)
INERT_TEXT_SETTINGS = ("thank_you_page_url",)
ACTIVE, INACTIVE = "active", "inactive"


def conference_queryset(queryset):
    """With the room's ready recordings in one more query for the whole list (``recorder_list``)."""
    from rostrum.recordings.constants import RecordingStatus
    from rostrum.recordings.models import Recording

    ready = Recording.objects.filter(status=RecordingStatus.READY)
    return queryset.select_related("account", "created_by", "registration").prefetch_related(
        Prefetch("recordings", queryset=ready, to_attr="ready_recordings")
    )


def recorder_list(room: Room) -> list[str]:
    """Signed, expiring links (``rostrum.recordings``' own) to the room's ready recordings."""
    from rostrum.recordings.actions import build_signed_token

    ready = getattr(room, "ready_recordings", None)
    if ready is None:  # a room not read through conference_queryset
        ready = conference_queryset(Room.objects.filter(pk=room.pk)).get().ready_recordings
    site = settings.SITE_URL.rstrip("/")
    return [site + reverse("recording_signed", args=[build_signed_token(recording)]) for recording in ready]


def _digest(room: Room, purpose: str) -> str:
    return salted_hmac(f"rostrum.api.{purpose}", str(room.pk), algorithm="sha256").hexdigest()


def _pin(room: Room, purpose: str) -> int:
    return 100000 + int(_digest(room, purpose), 16) % 900000


def _local(room: Room, moment: datetime | None) -> datetime | None:
    return moment.astimezone(zoneinfo.ZoneInfo(room.timezone)) if moment else None


def _iso(room: Room, moment: datetime | None) -> str | None:
    local = _local(room, moment)
    return local.isoformat(timespec="seconds") if local else None


def room_url(room: Room) -> str:
    return settings.SITE_URL.rstrip("/") + reverse("room_enter", args=[room.account.slug, room.slug])


def has_ended(room: Room, now: datetime | None = None) -> bool:
    ends_at = None if room.is_permanent else room.ends_at
    return ends_at is not None and ends_at <= (now or timezone.now())


def status_of(room: Room, now: datetime | None = None) -> str:
    """ClickMeeting's status: inactive when switched off, or when a scheduled room has ended."""
    return ACTIVE if room.is_active and not has_ended(room, now) else INACTIVE


def registration_of(room: Room):
    return getattr(room, "registration", None)  # None for a room that never had registration settings


def conference_settings(room: Room) -> dict:
    stored = room.compat_settings.get("settings", {})
    registration = registration_of(room)
    answer = {key: bool(stored.get(key, False)) for key in INERT_BOOLEAN_SETTINGS}
    answer.update({key: str(stored.get(key, "")) for key in INERT_TEXT_SETTINGS})
    answer["show_on_personal_page"] = room.is_public
    answer["thank_you_emails_enabled"] = bool(registration and registration.follow_up_enabled)
    answer["phonegateway_enabled"] = False  # no phone dial-in in Rostrum
    return answer


def host_autologin_hash(room: Room) -> str:
    host = room.created_by
    nickname = (host.get_full_name() if host else "") or room.account.name
    return make_autologin_hash(room, nickname=nickname, email=host.email if host else "", role=ParticipantRole.HOST)


def build_conference(room: Room, now: datetime | None = None) -> dict:
    zone = zoneinfo.ZoneInfo(room.timezone)
    offset = (room.starts_at or now or timezone.now()).astimezone(zone).utcoffset()
    registration = registration_of(room)
    url = room_url(room)
    host_hash = host_autologin_hash(room)
    starts_local = _local(room, room.starts_at)
    return {
        "id": room.pk,
        "room_type": room.room_type,
        "room_pin": int(room.number),
        "name": room.name,
        "name_url": room.slug,
        "description": room.description,
        "access_type": ACCESS_TYPE_NUMBERS[room.access_type],
        "lobby_enabled": room.lobby_enabled,
        "lobby_description": room.lobby_description,
        "registration_enabled": int(bool(registration and registration.enabled)),
        "status": status_of(room, now),
        "timezone": room.timezone,
        "timezone_offset": int(offset.total_seconds()),
        "created_at": _iso(room, room.created_at),
        "updated_at": _iso(room, room.updated_at),
        "permanent_room": room.is_permanent,
        "starts_at": _iso(room, room.starts_at),
        "ends_at": _iso(room, room.ends_at),
        "ccc": starts_local.strftime("%Y-%m-%d %H:%M:%S") if starts_local else None,
        "access_role_hashes": {role: _digest(room, f"role.{role}")[:32] for role in ROLE_HASH_ROLES},
        "room_url": url,
        "phone_presenter_pin": _pin(room, "phone.presenter"),
        "phone_listener_pin": _pin(room, "phone.listener"),
        "embed_room_url": url,
        "widgets_hash": _digest(room, "widgets")[:6],
        "recorder_list": recorder_list(room),
        "skin_id": int(room.compat_settings.get("skin_id", DEFAULT_SKIN_ID)),
        "settings": conference_settings(room),
        "autologin_hashes": {"host": host_hash},
        "autologin_hash": host_hash,
    }


def build_token(room: Room, token: AccessToken) -> dict:
    return {"token": token.token, "sent_to_email": None, "first_use_date": _iso(room, token.used_at)}


# --- documentation ----------------------------------------------------------------------------


class AccessRoleHashesSerializer(serializers.Serializer):
    listener = serializers.CharField()
    presenter = serializers.CharField()
    host = serializers.CharField()


class AutologinHashesSerializer(serializers.Serializer):
    host = serializers.CharField()


class ConferenceSerializer(serializers.Serializer):
    """The conference object (spec §4.1). Documents the answer; ``build_conference`` makes it."""

    id = serializers.IntegerField()
    room_type = serializers.ChoiceField(choices=["meeting", "webinar"])
    room_pin = serializers.IntegerField(help_text="The room's 9-digit number.")
    name = serializers.CharField()
    name_url = serializers.CharField(help_text="The last part of the room's address.")
    description = serializers.CharField(allow_blank=True)
    access_type = serializers.ChoiceField(choices=[1, 2, 3], help_text="1 open, 2 password, 3 tokens.")
    lobby_enabled = serializers.BooleanField()
    lobby_description = serializers.CharField(allow_blank=True)
    registration_enabled = serializers.ChoiceField(choices=[0, 1])
    status = serializers.ChoiceField(choices=[ACTIVE, INACTIVE])
    timezone = serializers.CharField()
    timezone_offset = serializers.IntegerField(help_text="Seconds east of UTC at the start (or now).")
    created_at = serializers.DateTimeField()
    updated_at = serializers.DateTimeField()
    permanent_room = serializers.BooleanField()
    starts_at = serializers.DateTimeField(allow_null=True)
    ends_at = serializers.DateTimeField(allow_null=True)
    ccc = serializers.CharField(allow_null=True, help_text="The start as Y-m-d H:i:s in the room's zone.")
    access_role_hashes = AccessRoleHashesSerializer(help_text="Stable HMACs of the room; inert.")
    room_url = serializers.URLField()
    phone_presenter_pin = serializers.IntegerField(help_text="Inert: Rostrum has no phone dial-in.")
    phone_listener_pin = serializers.IntegerField(help_text="Inert: Rostrum has no phone dial-in.")
    embed_room_url = serializers.URLField(help_text="The room's own address.")
    widgets_hash = serializers.CharField()
    recorder_list = serializers.ListField(
        child=serializers.URLField(), help_text="Signed links (7 days) to the room's ready recordings."
    )
    skin_id = serializers.IntegerField()
    settings = serializers.DictField()
    autologin_hashes = AutologinHashesSerializer()
    autologin_hash = serializers.CharField(help_text="The host's: <room_url>?l=<hash> enters as host.")

    class Meta:
        ref_name = "Conference"


class AccessTokenSerializer(serializers.Serializer):
    token = serializers.CharField()
    sent_to_email = serializers.EmailField(allow_null=True)
    first_use_date = serializers.DateTimeField(allow_null=True)

    class Meta:
        ref_name = "AccessToken"
