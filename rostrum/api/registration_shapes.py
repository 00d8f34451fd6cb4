"""Registrations as ClickMeeting's API v1 reads and writes them (spec §3.3 row 19, §3.4).

Field numbers of ``registration[<n>]``: 1 first name, 2 last name, 3 e-mail address, then 4, 5, …
the room's own questions in the order of its registration form (``RegistrationField.position``).
"""

from django.utils.translation import gettext as _

from rostrum.api.errors import ApiError
from rostrum.api.params import as_bool, as_str, is_absent
from rostrum.api.session_shapes import absolute_room_url, iso
from rostrum.registration.constants import FieldKind, RegistrantStatus
from rostrum.registration.forms import RegistrationForm
from rostrum.registration.models import Registrant, RegistrationField
from rostrum.registration.tokens import make_join_token

STANDARD = {"first_name": ("1", "First Name"), "last_name": ("2", "Last Name"), "email": ("3", "Email Address")}
FIRST_CUSTOM_NUMBER = 4


def field_numbers(fields: list[RegistrationField]) -> dict[str, RegistrationField]:
    """``{"4": first question, "5": second, …}``."""
    return {str(FIRST_CUSTOM_NUMBER + index): field for index, field in enumerate(fields)}


def _answer_text(value) -> str:
    if value is True:
        return "yes"
    if value is False:
        return "no"
    return "" if value is None else str(value)


def field_labels(fields: list[RegistrationField]) -> list[tuple[str, RegistrationField]]:
    """Each question's key in ``fields``: its label, made unique with its number when two share one."""
    taken = {label for _name, (_number, label) in STANDARD.items()}
    labels = []
    for number, field in field_numbers(fields).items():
        label = field.label if field.label not in taken else f"{field.label} [{number}]"
        taken.add(label)
        labels.append((label, field))
    return labels


def join_hash(registrant: Registrant) -> str:
    """The ``r`` of ``<room URL>?r=<hash>``: the registrant's personal join token."""
    return make_join_token(registrant)


def join_url(registrant: Registrant) -> str:
    return f"{absolute_room_url(registrant.room)}?r={join_hash(registrant)}"


def build_registration(
    registrant: Registrant, labels: list[tuple[str, RegistrationField]], session_id: int | None = None
) -> dict:
    room = registrant.room
    confirmed = registrant.decided_at if registrant.status == RegistrantStatus.APPROVED else None
    fields = {
        "First Name": registrant.first_name,
        "Last Name": registrant.last_name,
        "Email Address": registrant.email,
        **{label: _answer_text(registrant.answers.get(str(field.pk))) for label, field in labels},
    }
    token = join_hash(registrant)
    return {
        "id": registrant.pk,
        "visitor_nickname": registrant.full_name,
        "email": registrant.email,
        "registration_date": iso(registrant.created_at, room),
        "registration_confirmed": iso(confirmed, room) if confirmed else "null",  # ClickMeeting's string
        "session_id": session_id,
        "fields": fields,
        "url": f"{absolute_room_url(room)}?r={token}",
        "r": token,
        "http_referer": None,
        "geo": {"country": None, "city": None},
    }


def registration_form(room, registration, params: dict) -> RegistrationForm:
    """The page's own form, bound from ``registration[<n>]``. Without the consent box: the caller's
    system collected the person's details (and any consent) itself."""
    values = params.get("registration")
    if isinstance(values, list):
        values = {str(index): value for index, value in enumerate(values)}
    if not isinstance(values, dict):
        raise ApiError.invalid("registration[3]", _("Send the registrant as registration[1], [2], [3] …"))
    fields = list(room.registration_fields.all())
    data = {"timezone": as_str(params.get("timezone"), "timezone", default="", max_length=64)}
    for name, (number, _label) in STANDARD.items():
        data[name] = as_str(values.get(number), f"registration[{number}]", default="")
    for number, field in field_numbers(fields).items():
        raw = values.get(number)
        if field.kind == FieldKind.CHECKBOX:
            if as_bool(raw, f"registration[{number}]", default=False):
                data[f"field_{field.pk}"] = "on"
        elif not is_absent(raw):
            data[f"field_{field.pk}"] = as_str(raw, f"registration[{number}]")
    form = RegistrationForm(data, room=room, registration=registration, fields=fields)
    form.fields.pop("consent", None)
    return form


def form_errors(form: RegistrationForm) -> ApiError:
    """The form's errors under the API's parameter names (``registration[3]`` …)."""
    names = {name: f"registration[{number}]" for name, (number, _label) in STANDARD.items()}
    names.update(
        {f"field_{field.pk}": f"registration[{number}]" for number, field in field_numbers(form.custom_fields).items()}
    )
    errors = [
        (names.get(name, name if name != "__all__" else "registration"), str(message))
        for name, messages in form.errors.items()
        for message in messages
    ]
    return ApiError(422, errors[0][1], errors)
