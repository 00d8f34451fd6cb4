"""Address-book rows made through the same forms and actions organisers use."""

from django.core.files.uploadedfile import SimpleUploadedFile

from rostrum.contacts.actions import check_save_contact
from rostrum.contacts.forms import ContactForm


def make_contact(membership, email: str, **fields):
    data = {"first_name": "Ada", "last_name": "Lovelace", "email": email, **fields}
    form = ContactForm(data, account=membership.account)
    assert form.is_valid(), form.errors
    return check_save_contact(membership, form)


def csv_upload(content: bytes, name: str = "contacts.csv") -> SimpleUploadedFile:
    return SimpleUploadedFile(name, content, content_type="text/csv")


def upload(client, content: bytes, name: str = "contacts.csv"):
    return client.post("/contacts/import/", {"file": csv_upload(content, name)})


def mapping_data(mapping: list[str], *, has_header: bool = True, policy: str = "skip", target_list=None) -> dict:
    data = {f"column_{i}": column for i, column in enumerate(mapping)}
    data["policy"] = policy
    if has_header:
        data["has_header"] = "on"
    if target_list is not None:
        data["target_list"] = target_list.pk
    return data
