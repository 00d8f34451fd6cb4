from django import forms
from django.conf import settings
from django.utils.translation import gettext_lazy as _

from rostrum.contacts.constants import IMPORT_MAX_BYTES, Column, DuplicatePolicy
from rostrum.contacts.models import Contact, ContactList


class ContactForm(forms.ModelForm):
    lists = forms.ModelMultipleChoiceField(
        label=_("Lists"), queryset=ContactList.objects.none(), required=False, widget=forms.CheckboxSelectMultiple
    )

    class Meta:
        model = Contact
        fields = ["first_name", "last_name", "email", "company", "phone", "language"]

    def __init__(self, *args, account, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["lists"].queryset = ContactList.objects.filter(account=account)
        if self.instance.pk:
            self.initial["lists"] = list(self.instance.lists.values_list("pk", flat=True))
        self.fields["email"].widget.attrs["autocomplete"] = "off"


class ListNameForm(forms.Form):
    name = forms.CharField(label=_("List name"), max_length=100)


class ContactFilterForm(forms.Form):
    q = forms.CharField(label=_("Search"), required=False, max_length=100)
    list = forms.ModelChoiceField(label=_("List"), queryset=ContactList.objects.none(), required=False)

    def __init__(self, *args, account, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["list"].queryset = ContactList.objects.filter(account=account)
        self.fields["list"].empty_label = _("All contacts")


class BulkActionForm(forms.Form):
    ACTIONS = [
        ("add", _("Add to list")),
        ("remove", _("Remove from list")),
        ("delete", _("Delete")),
    ]
    action = forms.ChoiceField(label=_("With the selected contacts"), choices=ACTIONS)
    target = forms.ModelChoiceField(label=_("List"), queryset=ContactList.objects.none(), required=False)

    def __init__(self, *args, account, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["target"].queryset = ContactList.objects.filter(account=account)

    def selected_ids(self) -> list[int]:
        """The ticked contacts' ids; the action checks them against the account."""
        return [int(value) for value in self.data.getlist("contacts") if value.isdigit()]

    def clean(self):
        cleaned = super().clean()
        if cleaned.get("action") in ("add", "remove") and not cleaned.get("target"):
            self.add_error("target", _("Choose a list."))
        return cleaned


class ImportUploadForm(forms.Form):
    file = forms.FileField(
        label=_("CSV file"),
        help_text=_("Up to %(size)d MB. One contact per row; a column with e-mail addresses is required.")
        % {"size": IMPORT_MAX_BYTES // (1024 * 1024)},
        widget=forms.ClearableFileInput(attrs={"accept": ".csv,.txt,text/csv,text/plain"}),
    )


class ImportMappingForm(forms.Form):
    has_header = forms.BooleanField(label=_("The first row holds column names"), required=False)
    policy = forms.ChoiceField(
        label=_("Contacts that already exist"),
        choices=DuplicatePolicy.choices,
        widget=forms.RadioSelect,
        initial=DuplicatePolicy.SKIP,
    )
    target_list = forms.ModelChoiceField(
        label=_("Also add every imported contact to this list"), queryset=ContactList.objects.none(), required=False
    )

    def __init__(self, *args, account, titles: list[str], **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["target_list"].queryset = ContactList.objects.filter(account=account)
        self.column_names = []
        for index, title in enumerate(titles):
            name = f"column_{index}"
            self.fields[name] = forms.ChoiceField(label=title, choices=Column.choices, required=False)
            self.column_names.append(name)

    def mapping(self) -> list[str]:
        return [self.cleaned_data.get(name, "") for name in self.column_names]

    def column_fields(self):
        return [self[name] for name in self.column_names]


class InviteForm(forms.Form):
    lists = forms.ModelMultipleChoiceField(
        label=_("Contact lists"),
        queryset=ContactList.objects.none(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    contacts = forms.ModelMultipleChoiceField(
        label=_("Contacts"), queryset=Contact.objects.none(), required=False, widget=forms.CheckboxSelectMultiple
    )
    addresses = forms.CharField(
        label=_("Other e-mail addresses"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text=_("Separate addresses with commas or new lines."),
    )
    subject = forms.CharField(label=_("Subject"), max_length=200)
    body = forms.CharField(
        label=_("Message"),
        max_length=10000,
        widget=forms.Textarea(attrs={"rows": 12}),
        help_text=_(
            "These placeholders are filled in for each recipient: {room_name}, {starts_at}, {room_number}, "
            "{join_link}, {agenda}."
        ),
    )
    language = forms.ChoiceField(
        label=_("Language for recipients without one"),
        choices=settings.LANGUAGES,
        help_text=_("Contacts with a language of their own get the e-mail's fixed parts in it."),
    )

    def __init__(self, *args, account, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["lists"].queryset = ContactList.objects.filter(account=account)
        self.fields["contacts"].queryset = Contact.objects.filter(account=account)
