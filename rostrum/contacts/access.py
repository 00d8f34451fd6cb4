"""Fetching address-book rows with the tenancy check built in: another account's id answers 404."""

from django.shortcuts import get_object_or_404

from rostrum.accounts.access import require_permission
from rostrum.contacts.models import Contact, ContactImport, ContactList

# The address book is organisers' work, the same people who manage rooms.
PERMISSION = "manage_rooms"


def contacts_of(membership):
    require_permission(membership, PERMISSION)
    return Contact.objects.filter(account=membership.account)


def lists_of(membership):
    require_permission(membership, PERMISSION)
    return ContactList.objects.filter(account=membership.account)


def access_contact_by_id(membership, contact_id: int) -> Contact:
    return get_object_or_404(contacts_of(membership), pk=contact_id)


def access_list_by_id(membership, list_id: int) -> ContactList:
    return get_object_or_404(lists_of(membership), pk=list_id)


def access_import_by_id(membership, import_id: int) -> ContactImport:
    require_permission(membership, PERMISSION)
    return get_object_or_404(ContactImport, account=membership.account, pk=import_id)
