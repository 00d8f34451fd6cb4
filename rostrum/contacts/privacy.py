"""The address book holds people's data on behalf of organisers; found here by the person's e-mail."""

import csv
import io

from django.core.files.base import ContentFile

from rostrum.contacts.imports import do_delete_import
from rostrum.contacts.models import Contact, ContactImport, ContactList, Invitation, UnsubscribedDigest, Unsubscription
from rostrum.contacts.unsubscribe import keep_digests_and_forget
from rostrum.core.storage import delete_on_commit, stored
from rostrum.privacy.registry import declare_no_personal_data, register


def _email(user) -> str:
    return user.email.strip().lower()


def export_contacts(user) -> list[dict]:
    return [
        {
            "account": c.account.name,
            "first_name": c.first_name,
            "last_name": c.last_name,
            "email": c.email,
            "company": c.company,
            "phone": c.phone,
            "language": c.language,
            "lists": [contact_list.name for contact_list in c.lists.all()],
        }
        for c in Contact.objects.filter(email=_email(user)).select_related("account").prefetch_related("lists")
    ]


def erase_contacts(user) -> None:
    Contact.objects.filter(email=_email(user)).delete()


def export_unsubscriptions(user) -> list[dict]:
    rows = Unsubscription.objects.filter(email=_email(user)).select_related("account")
    return [{"account": u.account.name, "email": u.email, "since": u.created_at.isoformat()} for u in rows]


def erase_unsubscriptions(user) -> None:
    """The address goes; the choice stays as a keyed hash, so a re-import cannot re-subscribe them."""
    keep_digests_and_forget(list(Unsubscription.objects.filter(email=_email(user))))


def export_invitations(user) -> list[dict]:
    received = Invitation.objects.filter(email=_email(user)).select_related("room")
    sent = Invitation.objects.filter(sent_by=user).select_related("room")
    return [{"room": i.room.name, "to": i.email, "sent": i.created_at.isoformat()} for i in received] + [
        {"room": i.room.name, "sent_by_you_to": i.email, "sent": i.created_at.isoformat()} for i in sent
    ]


def erase_invitations(user) -> None:
    Invitation.objects.filter(email=_email(user)).delete()
    Invitation.objects.filter(sent_by=user).update(sent_by=None)


def export_imports(user) -> list[dict]:
    return [
        {"file": i.original_name, "status": i.status, "created": i.created_at.isoformat(), "imported": i.imported_count}
        for i in ContactImport.objects.filter(created_by=user)
    ]


def erase_imports(user) -> None:
    """Uploads and error reports hold other people's rows: the uploader's go whole; others lose the person's rows."""
    for contact_import in ContactImport.objects.filter(created_by=user):
        do_delete_import(contact_import)
    for contact_import in ContactImport.objects.exclude(error_report="").exclude(error_report__isnull=True):
        _drop_report_rows(contact_import, _email(user))


def _drop_report_rows(contact_import: ContactImport, email: str) -> None:
    with contact_import.error_report.open("r") as report:
        rows = list(csv.reader(report))
    kept = [row for row in rows if not any(cell.strip().lower() == email for cell in row)]
    if len(kept) == len(rows):
        return
    out = io.StringIO()
    csv.writer(out).writerows(kept)
    old_report = stored(contact_import.error_report)
    contact_import.error_report.save("errors.csv", ContentFile(out.getvalue().encode()), save=False)
    contact_import.save(update_fields=["error_report"])
    delete_on_commit(old_report)  # a rolled-back erasure still finds the report its row names


declare_no_personal_data(ContactList, "a list's name; its members are the contacts, registered with them")
declare_no_personal_data(
    UnsubscribedDigest,
    "a keyed hash (HMAC-SHA256 with SECRET_KEY) of an erased person's unsubscribed address, no address in clear: "
    "kept after erasure so that importing or inviting the address again still honours the unsubscription",
)
register(
    Contact,
    fields=("first_name", "last_name", "email", "company", "phone"),
    exporter=export_contacts,
    eraser=erase_contacts,
)
register(Unsubscription, fields=("email",), exporter=export_unsubscriptions, eraser=erase_unsubscriptions)
register(Invitation, fields=("email", "sent_by"), exporter=export_invitations, eraser=erase_invitations)
register(
    ContactImport,
    fields=("created_by", "file", "original_name", "error_report"),
    exporter=export_imports,
    eraser=erase_imports,
)
