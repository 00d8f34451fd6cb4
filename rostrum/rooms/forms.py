import zoneinfo
from datetime import datetime

from django import forms
from django.core.exceptions import ValidationError
from django.utils.text import slugify
from django.utils.translation import gettext_lazy as _

from rostrum.accounts.constants import TIME_ZONE_CHOICES
from rostrum.rooms.constants import MAX_DURATION_MINUTES, AccessType
from rostrum.rooms.models import Room


class RoomForm(forms.ModelForm):
    """Create or edit a room. The start is typed in the room's own time zone."""

    starts_at_local = forms.DateTimeField(
        label=_("Starts at"),
        required=False,
        widget=forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M"),
        input_formats=["%Y-%m-%dT%H:%M", "%Y-%m-%d %H:%M", "%Y-%m-%dT%H:%M:%S"],
        help_text=_("In the room's time zone."),
    )
    timezone = forms.ChoiceField(label=_("Time zone"), choices=TIME_ZONE_CHOICES)

    class Meta:
        model = Room
        fields = [
            "room_type",
            "name",
            "slug",
            "description",
            "is_permanent",
            "starts_at_local",
            "duration_minutes",
            "timezone",
            "access_type",
            "password",
            "lobby_enabled",
            "lobby_description",
            "is_public",
            "chat_files_allowed",
        ]
        widgets = {
            "room_type": forms.RadioSelect,
            "access_type": forms.RadioSelect,
            "description": forms.Textarea(attrs={"rows": 4}),
            "lobby_description": forms.Textarea(attrs={"rows": 3}),
            "password": forms.TextInput(attrs={"autocomplete": "off"}),
        }
        help_texts = {
            "slug": _(
                "The last part of the room's link: letters, digits and dashes. Left empty, it is made from the name."
            ),
            "is_permanent": _("A permanent room is always available; otherwise give a start and a duration."),
        }

    def __init__(self, *args, account, **kwargs):
        super().__init__(*args, **kwargs)
        self.account = account
        self.fields["slug"].required = False
        if self.instance.pk and self.instance.starts_at:
            local = self.instance.starts_at.astimezone(zoneinfo.ZoneInfo(self.instance.timezone))
            self.initial["starts_at_local"] = local.replace(tzinfo=None)
        if not self.instance.pk:
            self.initial.setdefault("timezone", account.timezone)

    def clean_slug(self):
        slug = slugify(self.cleaned_data.get("slug") or self.data.get("name", ""))[:60].strip("-")
        if not slug:
            raise ValidationError(_("Give the room an address made of letters, digits or dashes."))
        clash = Room.objects.filter(account=self.account, slug=slug).exclude(pk=self.instance.pk)
        if clash.exists():
            raise ValidationError(_("You already have a room at this address."))
        return slug

    def clean_duration_minutes(self):
        duration = self.cleaned_data.get("duration_minutes")
        if duration is not None and not 1 <= duration <= MAX_DURATION_MINUTES:
            raise ValidationError(_("A session lasts from 1 minute to 24 hours."))
        return duration

    def clean(self):
        data = super().clean()
        if not data.get("is_permanent"):
            local = data.get("starts_at_local")
            if local is None:
                self.add_error("starts_at_local", _("A scheduled room needs a start."))
            if data.get("duration_minutes") is None:
                self.add_error("duration_minutes", _("A scheduled room needs a duration."))
            if local is not None and data.get("timezone"):
                naive = local.replace(tzinfo=None) if isinstance(local, datetime) else local
                data["starts_at"] = naive.replace(tzinfo=zoneinfo.ZoneInfo(data["timezone"]))
        else:
            data["starts_at"] = None
        if data.get("access_type") == AccessType.PASSWORD:
            password = (data.get("password") or "").strip()
            if len(password) < 4:
                self.add_error("password", _("A room password has at least 4 characters."))
            data["password"] = password
        else:
            data["password"] = ""
        if data.get("lobby_enabled") is False:
            data["lobby_description"] = data.get("lobby_description", "")
        return data

    def save(self, commit=True):
        self.instance.starts_at = self.cleaned_data.get("starts_at")
        self.instance.password = self.cleaned_data.get("password", "")
        return super().save(commit=commit)


class GenerateTokensForm(forms.Form):
    count = forms.IntegerField(label=_("How many tokens"), min_value=1, initial=10)


class JoinByNumberForm(forms.Form):
    number = forms.CharField(
        label=_("Room number"),
        max_length=20,
        widget=forms.TextInput(attrs={"inputmode": "numeric", "autocomplete": "off", "placeholder": "123-456-789"}),
    )
    display_name = forms.CharField(label=_("Your name"), max_length=100)
    secret = forms.CharField(
        label=_("Password or access token"),
        max_length=64,
        required=False,
        help_text=_("Only if the organiser gave you one."),
        widget=forms.TextInput(attrs={"autocomplete": "off"}),
    )

    def clean_number(self):
        from rostrum.core.ids import ROOM_NUMBER_DIGITS, normalize_room_number

        number = normalize_room_number(self.cleaned_data["number"])
        if len(number) != ROOM_NUMBER_DIGITS:
            raise ValidationError(_("A room number has 9 digits."))
        return number

    def clean_display_name(self):
        name = " ".join(self.cleaned_data["display_name"].split())
        if not name:
            raise ValidationError(_("Tell the others your name."))
        return name


class EnterRoomForm(JoinByNumberForm):
    """The form on a room's own page: the room is known from its URL."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        del self.fields["number"]
