"""Turning one CSV row into contact values, or a reason it cannot be imported."""

import re

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.utils.translation import gettext as _

from rostrum.contacts.actions import normalize_email
from rostrum.contacts.constants import Column
from rostrum.contacts.models import Contact, ContactList
from rostrum.reports.formatting import FORMULA_PREFIXES

TEXT_FIELDS = ("first_name", "last_name", "company", "phone")
LANGUAGE_CODES = {code.lower(): code for code, _name in settings.LANGUAGES}
LIST_SEPARATORS = re.compile(r"[,;|]")


class RowError(ValueError):
    """Why one row is not imported; the message goes into the error report."""


def _max_length(field: str) -> int:
    return Contact._meta.get_field(field).max_length


def _language(value: str) -> str:
    if not value:
        return ""
    code = LANGUAGE_CODES.get(value.lower().replace("_", "-"))
    if code is None:
        codes = ", ".join(LANGUAGE_CODES.values())
        raise RowError(_("Unknown language “%(value)s” (use one of: %(codes)s).") % {"value": value, "codes": codes})
    return code


def _list_names(value: str) -> list[str]:
    names = [name.strip() for name in LIST_SEPARATORS.split(value) if name.strip()]
    limit = ContactList._meta.get_field("name").max_length
    if any(len(name) > limit for name in names):
        raise RowError(_("A list name is longer than %(limit)d characters.") % {"limit": limit})
    return names


def _email(value: str) -> str:
    email = normalize_email(value)
    if not email:
        raise RowError(_("No e-mail address."))
    try:
        validate_email(email)
    except ValidationError:
        raise RowError(_("“%(value)s” is not a valid e-mail address.") % {"value": value}) from None
    if len(email) > _max_length("email"):
        raise RowError(_("The e-mail address is too long."))
    return email


def _cell(cells: list[str], index: int) -> str:
    """The cell's text; an apostrophe our exports put before a formula character is taken off again."""
    value = cells[index].strip() if index < len(cells) else ""
    return value[1:] if value.startswith("'") and value[1:2] in FORMULA_PREFIXES else value


def parse_row(cells: list[str], mapping: list[str]) -> tuple[dict[str, str], list[str]]:
    """The contact's values and its list names; RowError says what is wrong with the row."""
    if any("\ufffd" in cell for cell in cells):
        raise RowError(_("Some characters could not be read in the file's encoding."))
    mapped = {column: _cell(cells, i) for i, column in enumerate(mapping) if column}
    values = {"email": _email(mapped.get(Column.EMAIL, ""))}
    for field in TEXT_FIELDS:
        if field in mapped:
            if len(mapped[field]) > _max_length(field):
                label = Contact._meta.get_field(field).verbose_name
                raise RowError(
                    _("The %(field)s is longer than %(limit)d characters.")
                    % {"field": label, "limit": _max_length(field)}
                )
            values[field] = mapped[field]
    if Column.LANGUAGE in mapped:
        values["language"] = _language(mapped[Column.LANGUAGE])
    return values, _list_names(mapped.get(Column.LISTS, ""))
