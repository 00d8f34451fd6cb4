"""The address book as CSV, streamed row by row (large books never sit in memory whole)."""

import csv
from collections.abc import Iterator

from django.db.models import Prefetch

from rostrum.contacts.models import ContactList
from rostrum.reports.formatting import spreadsheet_safe

# The same names the importer recognises, so an export imports again as it is.
EXPORT_COLUMNS = ["first_name", "last_name", "email", "company", "phone", "language", "lists", "unsubscribed"]
LIST_JOINER = ", "


class _Echo:
    def write(self, value: str) -> str:
        return value


def build_contacts_csv(contacts) -> Iterator[str]:
    """Lines of CSV for ``contacts`` (annotated with ``is_unsubscribed``), UTF-8 BOM first for spreadsheets."""
    writer = csv.writer(_Echo())
    yield "\ufeff" + writer.writerow(EXPORT_COLUMNS)
    lists = Prefetch("lists", queryset=ContactList.objects.only("name"))
    for contact in contacts.prefetch_related(lists).iterator(chunk_size=2000):
        row = [
            contact.first_name,
            contact.last_name,
            contact.email,
            contact.company,
            contact.phone,
            contact.language,
            LIST_JOINER.join(contact_list.name for contact_list in contact.lists.all()),
            "yes" if contact.is_unsubscribed else "",
        ]
        yield writer.writerow([spreadsheet_safe(value) for value in row])
