from django import forms
from django.utils.translation import gettext_lazy as _

from rostrum.webhooks.addresses import check_url
from rostrum.webhooks.constants import EVENT_CHOICES
from rostrum.webhooks.errors import WebhooksError


class WebhookForm(forms.Form):
    url = forms.URLField(
        label=_("URL"),
        max_length=2000,
        assume_scheme="https",
        help_text=_("A public http:// or https:// address; it receives a POST with JSON for each event."),
    )
    events = forms.MultipleChoiceField(
        label=_("Events"),
        choices=EVENT_CHOICES,
        widget=forms.CheckboxSelectMultiple,
        error_messages={"required": _("Choose at least one event.")},
    )

    def clean_url(self) -> str:
        url = self.cleaned_data["url"]
        try:
            check_url(url)  # checked again by the action, and before every delivery
        except WebhooksError as error:
            raise forms.ValidationError(error.message, code=error.code) from None
        return url
