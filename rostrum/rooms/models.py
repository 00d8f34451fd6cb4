from datetime import timedelta

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from rostrum.accounts.constants import validate_timezone
from rostrum.core.ids import format_room_number
from rostrum.rooms.constants import AccessType, ParticipantRole, RoomType


class Room(models.Model):
    """A meeting or webinar room: a 9-digit number, a URL, a schedule and access rules."""

    account = models.ForeignKey("accounts.Account", on_delete=models.CASCADE, related_name="rooms")
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    room_type = models.CharField(_("type"), max_length=20, choices=RoomType.choices, default=RoomType.WEBINAR)
    name = models.CharField(_("name"), max_length=200)
    number = models.CharField(_("room number"), max_length=9, unique=True, editable=False)
    slug = models.SlugField(_("room address"), max_length=60)
    description = models.TextField(_("agenda / description"), blank=True, max_length=5000)
    is_permanent = models.BooleanField(_("permanent room"), default=False)
    starts_at = models.DateTimeField(_("starts at"), null=True, blank=True)
    duration_minutes = models.PositiveIntegerField(_("duration (minutes)"), null=True, blank=True)
    timezone = models.CharField(_("time zone"), max_length=64, default="UTC", validators=[validate_timezone])
    access_type = models.CharField(_("access"), max_length=20, choices=AccessType.choices, default=AccessType.OPEN)
    password = models.CharField(_("room password"), max_length=64, blank=True)
    lobby_enabled = models.BooleanField(_("lobby"), default=True)
    lobby_description = models.TextField(_("lobby text"), blank=True, max_length=2000)
    # Also switched in the live room (chat.allow_files writes it): one setting, kept for the next session.
    chat_files_allowed = models.BooleanField(
        _("participants may send files in chat"),
        default=False,
        help_text=_("PDF, images, office documents and plain text, up to the size limit. Organisers always may."),
    )
    is_public = models.BooleanField(
        _("list on the public profile page"), default=False, help_text=_("Shown to anyone on your profile page.")
    )
    # ClickMeeting's "status": an inactive room keeps its settings but lets no one in (its organisers excepted).
    is_active = models.BooleanField(_("active"), default=True)
    # Settings the ClickMeeting-compatible API accepts and echoes back but Rostrum does not act on
    # (skin, registration template, settings[...] flags without a Rostrum feature): rostrum.api.
    compat_settings = models.JSONField(default=dict, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["account", "slug"], name="room_unique_slug_per_account")]
        ordering = ["starts_at", "name"]

    def __str__(self) -> str:
        return self.name

    @property
    def display_number(self) -> str:
        return format_room_number(self.number)

    @property
    def ends_at(self):
        if self.starts_at is None or self.duration_minutes is None:
            return None
        return self.starts_at + timedelta(minutes=self.duration_minutes)


class AccessToken(models.Model):
    """A one-time access token for a room. Each opens the room for one person."""

    room = models.ForeignKey(Room, on_delete=models.CASCADE, related_name="access_tokens")
    token = models.CharField(max_length=32, unique=True)
    batch = models.PositiveIntegerField(default=1)
    created_at = models.DateTimeField(auto_now_add=True)
    used_at = models.DateTimeField(null=True, blank=True)
    used_by_name = models.CharField(max_length=150, blank=True)

    class Meta:
        ordering = ["batch", "id"]

    def __str__(self) -> str:
        return self.token


class Session(models.Model):
    """One run of a room, from the host's start to its end. Live events are numbered per session."""

    room = models.ForeignKey(Room, on_delete=models.CASCADE, related_name="sessions")
    started_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    started_at = models.DateTimeField(null=True, blank=True)
    ended_at = models.DateTimeField(null=True, blank=True)
    admits_automatically = models.BooleanField(default=True)
    chat_locked = models.BooleanField(default=False)
    allows_several_screens = models.BooleanField(default=False)  # else one screen share at a time
    last_seq = models.PositiveBigIntegerField(default=0)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return f"{self.room} {self.started_at or self.created_at:%Y-%m-%d %H:%M}"

    @property
    def is_live(self) -> bool:
        return self.started_at is not None and self.ended_at is None


class Participant(models.Model):
    """A person in one session: their name, role and standing. Identified by a key in their browser."""

    session = models.ForeignKey(Session, on_delete=models.CASCADE, related_name="participants")
    key = models.CharField(max_length=64)
    user = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL)
    display_name = models.CharField(max_length=100)
    email = models.EmailField(blank=True)
    role = models.CharField(max_length=20, choices=ParticipantRole.choices, default=ParticipantRole.ATTENDEE)
    is_admitted = models.BooleanField(default=False)
    is_expelled = models.BooleanField(default=False)
    is_chat_muted = models.BooleanField(default=False)
    hand_raised_at = models.DateTimeField(null=True, blank=True)
    # What a webinar attendee may publish, given by an organiser ("", "audio", "audio_video"), and
    # what an organiser has muted on the SFU; only an organiser lifts that (rostrum.media.actions).
    media_floor = models.CharField(max_length=12, blank=True, default="")
    mic_blocked = models.BooleanField(default=False)
    camera_blocked = models.BooleanField(default=False)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["session", "key"], name="participant_unique_key")]
        ordering = ["created_at", "id"]

    def __str__(self) -> str:
        return f"{self.display_name} ({self.role})"

    @property
    def is_organiser(self) -> bool:
        return self.role in (ParticipantRole.HOST, ParticipantRole.PRESENTER)


class Attendance(models.Model):
    """One connection of a participant: when it opened and closed, from which browser."""

    participant = models.ForeignKey(Participant, on_delete=models.CASCADE, related_name="attendances")
    joined_at = models.DateTimeField(auto_now_add=True)
    left_at = models.DateTimeField(null=True, blank=True)
    user_agent = models.CharField(max_length=300, blank=True)

    class Meta:
        ordering = ["joined_at", "id"]

    def __str__(self) -> str:
        return f"{self.participant} {self.joined_at:%H:%M}"
