import zoneinfo

from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from rostrum.registration.constants import MAX_CHOICES, FieldKind, RegistrantStatus
from rostrum.registration.models import RegistrationField, RegistrationSettings


class RegistrationSettingsForm(forms.ModelForm):
    class Meta:
        model = RegistrationSettings
        fields = [
            "enabled",
            "approval",
            "max_registrants",
            "consent_text",
            "reminder_day_before",
            "reminder_hour_before",
            "follow_up_enabled",
            "follow_up_text",
        ]
        widgets = {
            "approval": forms.RadioSelect,
            "consent_text": forms.Textarea(attrs={"rows": 3}),
            "follow_up_text": forms.Textarea(attrs={"rows": 4}),
            "max_registrants": forms.NumberInput(attrs={"min": 1}),
        }

    def clean_max_registrants(self):
        limit = self.cleaned_data.get("max_registrants")
        if limit is not None and limit < 1:
            raise ValidationError(_("A limit is at least 1; leave it empty for no limit."))
        return limit

    def clean_consent_text(self):
        return self.cleaned_data["consent_text"].strip()


class RegistrationFieldForm(forms.ModelForm):
    class Meta:
        model = RegistrationField
        fields = ["label", "kind", "choices", "required"]
        widgets = {"kind": forms.RadioSelect, "choices": forms.Textarea(attrs={"rows": 4})}

    def clean_label(self):
        label = " ".join(self.cleaned_data["label"].split())
        if not label:
            raise ValidationError(_("Write the question."))
        return label

    def clean(self):
        data = super().clean()
        if data.get("kind") == FieldKind.CHOICE:
            lines = [line.strip() for line in (data.get("choices") or "").splitlines() if line.strip()]
            if len(lines) < 2 or len(lines) > MAX_CHOICES:
                self.add_error("choices", _("Give from 2 to %(count)d choices, one per line.") % {"count": MAX_CHOICES})
            elif len(set(lines)) != len(lines):
                self.add_error("choices", _("Each choice appears once."))
            data["choices"] = "\n".join(lines)
        else:
            data["choices"] = ""
        return data


def _valid_timezone(name: str) -> bool:
    return name in zoneinfo.available_timezones()


class RegistrationForm(forms.Form):
    """The public form: standard fields, the room's own questions, consent, and two hidden fields.

    ``website`` is a honeypot: hidden from people, filled in by naive bots. ``timezone`` is filled by
    the page's script with the browser's zone; anything unknown falls back to the room's zone.
    """

    first_name = forms.CharField(
        label=_("First name"), max_length=100, widget=forms.TextInput({"autocomplete": "given-name"})
    )
    last_name = forms.CharField(
        label=_("Last name"), max_length=100, widget=forms.TextInput({"autocomplete": "family-name"})
    )
    email = forms.EmailField(
        label=_("E-mail address"), max_length=254, widget=forms.EmailInput({"autocomplete": "email"})
    )
    website = forms.CharField(
        label=_("Leave this field empty"),
        required=False,
        widget=forms.TextInput({"autocomplete": "off", "tabindex": "-1"}),
    )
    timezone = forms.CharField(required=False, widget=forms.HiddenInput, max_length=64)

    def __init__(self, *args, room, registration: RegistrationSettings, fields, **kwargs):
        super().__init__(*args, **kwargs)
        self.room = room
        self.custom_fields = list(fields)
        for field in self.custom_fields:
            self.fields[f"field_{field.pk}"] = self._form_field(field)
        if registration.consent_text:
            self.fields["consent"] = forms.BooleanField(
                label=registration.consent_text,
                required=True,
                error_messages={"required": _("Please give your consent to register.")},
            )

    @staticmethod
    def _form_field(field: RegistrationField) -> forms.Field:
        if field.kind == FieldKind.CHOICE:
            # An empty first option, so a required choice is a choice made, not the first one left as is.
            empty = ("", _("(choose one)") if field.required else _("(no answer)"))
            choices = [empty, *((choice, choice) for choice in field.choice_list)]
            return forms.ChoiceField(label=field.label, required=field.required, choices=choices)
        if field.kind == FieldKind.CHECKBOX:
            return forms.BooleanField(label=field.label, required=field.required)
        return forms.CharField(label=field.label, required=field.required, max_length=1000)

    def _clean_name(self, name: str) -> str:
        value = " ".join(self.cleaned_data[name].split())
        if not value:
            raise ValidationError(_("This field is required."))
        return value

    def clean_first_name(self):
        return self._clean_name("first_name")

    def clean_last_name(self):
        return self._clean_name("last_name")

    def clean_email(self):
        return self.cleaned_data["email"].strip().lower()

    def clean_timezone(self):
        name = (self.cleaned_data.get("timezone") or "").strip()
        return name if _valid_timezone(name) else self.room.timezone

    @property
    def is_spam(self) -> bool:
        return bool(self.data.get("website", "").strip())

    def answers(self) -> dict[str, object]:
        """Answers by field id; a text left empty is an empty string, an unticked box False."""
        return {str(field.pk): self.cleaned_data.get(f"field_{field.pk}") for field in self.custom_fields}


class RegistrantFilterForm(forms.Form):
    status = forms.ChoiceField(
        label=_("Show"), required=False, choices=[("", _("Everyone")), *RegistrantStatus.choices]
    )
