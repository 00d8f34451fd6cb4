from django import forms
from django.utils.translation import gettext_lazy as _

from rostrum.library.constants import FORMATS, NAME_MAX_LENGTH, FileKind
from rostrum.rooms.models import Room

ACCEPT = ",".join(sorted({f".{ext}" for file_format in FORMATS for ext in file_format.extensions}))


class UploadForm(forms.Form):
    file = forms.FileField(label=_("File"), widget=forms.FileInput(attrs={"accept": ACCEPT}))
    name = forms.CharField(
        label=_("Name (optional)"),
        max_length=NAME_MAX_LENGTH,
        required=False,
        help_text=_("Shown in the library and the room. The file's own name when left empty."),
    )
    room = forms.ModelChoiceField(label=_("Attach to a room (optional)"), queryset=Room.objects.none(), required=False)

    def __init__(self, *args, account, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["room"].queryset = Room.objects.filter(account=account).order_by("name")
        self.fields["room"].empty_label = _("No room")


class RenameForm(forms.Form):
    name = forms.CharField(label=_("Name"), max_length=NAME_MAX_LENGTH)


class AttachForm(forms.Form):
    room = forms.ModelChoiceField(label=_("Room"), queryset=Room.objects.none(), required=False)

    def __init__(self, *args, account, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["room"].queryset = Room.objects.filter(account=account).order_by("name")
        self.fields["room"].empty_label = _("No room (detach)")


class KindFilterForm(forms.Form):
    kind = forms.ChoiceField(label=_("Type"), choices=[("", _("All types")), *FileKind.choices], required=False)
