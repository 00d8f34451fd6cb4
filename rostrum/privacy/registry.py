"""Who holds personal data, and how to export and erase it.

Every app that stores personal data registers, per model, the fields that hold it with an
exporter and an eraser. Models with no personal data say so. A test walks every model of the
project and fails when a model is in neither list, or a personal-looking field is not covered.
"""

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from django.db import models

Exporter = Callable[[Any], list[dict]]
Eraser = Callable[[Any], None]


@dataclass(frozen=True)
class PersonalDataRegistration:
    model: type[models.Model]
    fields: tuple[str, ...]
    exporter: Exporter
    eraser: Eraser
    erase_order: int = 0


_registrations: dict[str, PersonalDataRegistration] = {}
_without_personal_data: dict[str, str] = {}


def register(
    model: type[models.Model], *, fields: tuple[str, ...], exporter: Exporter, eraser: Eraser, erase_order: int = 0
) -> None:
    """``erase_order``: higher runs later; rows that link other rows to the person go after those."""
    _registrations[model._meta.label] = PersonalDataRegistration(model, fields, exporter, eraser, erase_order)


def declare_no_personal_data(model: type[models.Model], reason: str) -> None:
    _without_personal_data[model._meta.label] = reason


def registrations() -> dict[str, PersonalDataRegistration]:
    return dict(_registrations)


def models_without_personal_data() -> dict[str, str]:
    return dict(_without_personal_data)


def export_user_data(user) -> dict[str, list[dict]]:
    """Everything registered about one person, by model label (the data-subject access copy)."""
    return {label: registration.exporter(user) for label, registration in sorted(_registrations.items())}


def erase_user_data(user) -> None:
    """Run every eraser by ``erase_order``; the user's own row goes last, so others can still find it."""
    user_label = user._meta.label
    ordered = sorted(_registrations.items(), key=lambda item: (item[0] == user_label, item[1].erase_order))
    for _label, registration in ordered:
        registration.eraser(user)
