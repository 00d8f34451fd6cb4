"""Changing the address book: contacts and lists. check_* authorise and validate, do_* change."""

from django.db import IntegrityError, transaction
from django.db.models import Exists, OuterRef
from django.utils.translation import gettext as _

from rostrum.accounts.access import require_permission
from rostrum.contacts.access import PERMISSION
from rostrum.contacts.errors import ContactsError
from rostrum.contacts.models import Contact, ContactList, Unsubscription
from rostrum.contacts.unsubscribe import restore_unsubscriptions


def normalize_email(value: str) -> str:
    """The form an address is stored and compared in."""
    return value.strip().lower()


def annotate_unsubscribed(contacts):
    unsubscribed = Unsubscription.objects.filter(account=OuterRef("account"), email=OuterRef("email"))
    return contacts.annotate(is_unsubscribed=Exists(unsubscribed))


def check_save_contact(membership, form) -> Contact:
    """``form`` is a bound, valid ContactForm (new, or of one of ``membership``'s contacts)."""
    require_permission(membership, PERMISSION)
    contact = form.save(commit=False)
    contact.account = membership.account
    contact.email = normalize_email(contact.email)
    duplicates = Contact.objects.filter(account=contact.account, email=contact.email).exclude(pk=contact.pk)
    if duplicates.exists():
        raise ContactsError("duplicate_email", _("A contact with this e-mail address exists already."))
    try:
        with transaction.atomic():
            contact.save()
    except IntegrityError:  # saved by someone else in between
        raise ContactsError("duplicate_email", _("A contact with this e-mail address exists already.")) from None
    contact.lists.set(form.cleaned_data.get("lists", []))
    restore_unsubscriptions(contact.account, [contact.email])  # an erased person's choice outlives them
    return contact


def check_delete_contacts(membership, contact_ids) -> int:
    require_permission(membership, PERMISSION)
    _total, by_model = Contact.objects.filter(account=membership.account, pk__in=contact_ids).delete()
    return by_model.get(Contact._meta.label, 0)


def check_create_list(membership, name: str) -> ContactList:
    require_permission(membership, PERMISSION)
    return _save_list(ContactList(account=membership.account), name)


def check_rename_list(membership, contact_list: ContactList, name: str) -> ContactList:
    require_permission(membership, PERMISSION)
    return _save_list(contact_list, name)


def _save_list(contact_list: ContactList, name: str) -> ContactList:
    name = name.strip()
    taken = ContactList.objects.filter(account=contact_list.account, name=name).exclude(pk=contact_list.pk)
    if not name or taken.exists():
        raise ContactsError("list_name", _("Give the list a name that no other list of yours has."))
    contact_list.name = name
    contact_list.save()
    return contact_list


def check_delete_list(membership, contact_list: ContactList) -> None:
    """The list goes; its contacts stay in the address book."""
    require_permission(membership, PERMISSION)
    contact_list.delete()


def check_add_to_list(membership, contact_list: ContactList, contact_ids) -> int:
    require_permission(membership, PERMISSION)
    ids = list(Contact.objects.filter(account=membership.account, pk__in=contact_ids).values_list("pk", flat=True))
    through = ContactList.contacts.through
    links = [through(contactlist_id=contact_list.pk, contact_id=pk) for pk in ids]
    through.objects.bulk_create(links, ignore_conflicts=True)
    return len(ids)


def check_remove_from_list(membership, contact_list: ContactList, contact_ids) -> int:
    require_permission(membership, PERMISSION)
    through = ContactList.contacts.through
    removed, _details = through.objects.filter(
        contactlist_id=contact_list.pk, contact__account=membership.account, contact_id__in=contact_ids
    ).delete()
    return removed
