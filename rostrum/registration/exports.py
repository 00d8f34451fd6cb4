"""The registrants of a room as CSV, for organisers. A pure builder: authorises nothing."""

import csv
import io

from rostrum.registration.models import Registrant, RegistrationField
from rostrum.reports.formatting import spreadsheet_safe
from rostrum.rooms.models import Room

STANDARD_COLUMNS = ["first_name", "last_name", "email"]
TRAILING_COLUMNS = ["status", "registered_at", "consent_given_at", "language", "timezone"]


def _answer(value) -> str:
    if value is True:
        return "yes"
    if value is False:
        return "no"
    return spreadsheet_safe(str(value or ""))


def build_registrants_csv(room: Room, registrants=None) -> str:
    fields = list(RegistrationField.objects.filter(room=room))
    registrants = registrants if registrants is not None else Registrant.objects.filter(room=room)
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow([*STANDARD_COLUMNS, *(spreadsheet_safe(field.label) for field in fields), *TRAILING_COLUMNS])
    for registrant in registrants.order_by("created_at", "id"):
        writer.writerow(
            [
                spreadsheet_safe(registrant.first_name),
                spreadsheet_safe(registrant.last_name),
                spreadsheet_safe(registrant.email),
                *(_answer(registrant.answers.get(str(field.pk))) for field in fields),
                registrant.status,
                registrant.created_at.isoformat(),
                registrant.consent_given_at.isoformat() if registrant.consent_given_at else "",
                registrant.language,
                registrant.timezone,
            ]
        )
    return out.getvalue()
