from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _
from django_countries import countries
from django_countries.fields import LazyTypedChoiceField
from PIL import Image

from rostrum.accounts.constants import (
    ACCOUNT_IMAGE_MAX_BYTES,
    ACCOUNT_IMAGE_MAX_PIXELS,
    INVITABLE_ROLES,
    TIME_ZONE_CHOICES,
    Role,
)
from rostrum.accounts.models import Account

INVITABLE_ROLE_CHOICES = [(role.value, role.label) for role in INVITABLE_ROLES]
ACCEPTED_IMAGE_FORMATS = {"PNG", "JPEG", "WEBP", "GIF"}
IMAGE_UNREADABLE = _("This file is not an image we can read (PNG, JPEG, WebP or GIF).")


class SignupDetailsForm(forms.Form):
    """The fields allauth's sign-up form adds for Rostrum; ``signup`` creates the account."""

    first_name = forms.CharField(label=_("First name"), max_length=150, required=False)
    last_name = forms.CharField(label=_("Last name"), max_length=150, required=False)
    business_name = forms.CharField(
        label=_("Business name"),
        max_length=200,
        required=False,
        help_text=_("Give your first and last name, or your business name, or both."),
    )
    country = LazyTypedChoiceField(label=_("Country"), choices=countries)
    timezone = forms.ChoiceField(label=_("Time zone"), choices=TIME_ZONE_CHOICES, initial="UTC")
    is_adult = forms.BooleanField(label=_("I am 18 years of age or older."))
    is_business = forms.BooleanField(label=_("I am using Rostrum for a business, not as a consumer."))

    def clean(self):
        data = super().clean()
        has_person = data.get("first_name", "").strip() and data.get("last_name", "").strip()
        if not has_person and not data.get("business_name", "").strip():
            raise ValidationError(_("Give your first and last name, or your business name."), code="name_required")
        return data

    def signup(self, request, user):
        from rostrum.accounts.actions import do_create_account

        data = self.cleaned_data
        user.first_name = data["first_name"].strip()
        user.last_name = data["last_name"].strip()
        user.timezone = data["timezone"]
        user.language = getattr(request, "LANGUAGE_CODE", "") or ""
        user.save()
        do_create_account(
            user,
            name=data["business_name"].strip() or user.get_full_name(),
            business_name=data["business_name"].strip(),
            country=data["country"],
            timezone_name=data["timezone"],
            request=request,
        )


def validate_account_image(upload) -> None:
    """Checked by content, not by name: a real, not too large PNG/JPEG/WebP/GIF picture."""
    if upload.size > ACCOUNT_IMAGE_MAX_BYTES:
        raise ValidationError(
            _("The image is too large: at most %(size)d MB.") % {"size": ACCOUNT_IMAGE_MAX_BYTES // (1024 * 1024)}
        )
    try:
        upload.seek(0)
        with Image.open(upload) as image:
            image_format = image.format
            width, height = image.size
            image.verify()
    except Exception as exc:
        raise ValidationError(IMAGE_UNREADABLE) from exc
    finally:
        upload.seek(0)
    if image_format not in ACCEPTED_IMAGE_FORMATS:
        raise ValidationError(IMAGE_UNREADABLE)
    if max(width, height) > ACCOUNT_IMAGE_MAX_PIXELS:
        raise ValidationError(
            _("The image is too large: at most %(pixels)d pixels wide or high.") % {"pixels": ACCOUNT_IMAGE_MAX_PIXELS}
        )


class AccountDetailsForm(forms.ModelForm):
    timezone = forms.ChoiceField(label=_("Time zone"), choices=TIME_ZONE_CHOICES)

    class Meta:
        model = Account
        fields = [
            "name", "business_name", "address", "city", "postal_code", "country", "email", "phone",
            "tax_id", "timezone", "image", "profile_is_public",
        ]  # fmt: skip
        widgets = {"image": forms.ClearableFileInput(attrs={"accept": "image/png,image/jpeg,image/webp,image/gif"})}
        error_messages = {"image": {"invalid_image": IMAGE_UNREADABLE}}

    def clean_image(self):
        image = self.cleaned_data.get("image")
        if image and hasattr(image, "content_type"):  # a new upload, not the stored file
            validate_account_image(image)
        return image

    def clean_phone(self):
        phone = self.cleaned_data["phone"].strip()
        if phone and not all(ch.isdigit() or ch in "+-() ." for ch in phone):
            raise ValidationError(_("Use digits, spaces and + - ( ) only."))
        return phone


class InviteMemberForm(forms.Form):
    email = forms.EmailField(label=_("E-mail address"))
    role = forms.ChoiceField(label=_("Role"), choices=INVITABLE_ROLE_CHOICES, initial=Role.HOST)


class ChangeRoleForm(forms.Form):
    role = forms.ChoiceField(label=_("Role"), choices=INVITABLE_ROLE_CHOICES)


class AcceptInvitationForm(forms.Form):
    """For an invited person who has no login yet: the invitation proves the e-mail address."""

    first_name = forms.CharField(label=_("First name"), max_length=150)
    last_name = forms.CharField(label=_("Last name"), max_length=150)
    password = forms.CharField(label=_("Password"), widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}))
    is_adult = forms.BooleanField(label=_("I am 18 years of age or older."))

    def __init__(self, *args, email: str, **kwargs):
        super().__init__(*args, **kwargs)
        self.email = email

    def clean_password(self):
        from django.contrib.auth.password_validation import validate_password

        from rostrum.accounts.models import User

        password = self.cleaned_data["password"]
        validate_password(password, User(email=self.email, first_name=self.data.get("first_name", "")))
        return password


class ApiKeyForm(forms.Form):
    name = forms.CharField(
        label=_("Name"),
        max_length=100,
        help_text=_("Say where the key is used, e.g. “Moodle” or “CRM sync”."),
    )
