"""Registering for a room and deciding on registrants. check_* validate and authorise, do_* change.

E-mails leave through ``rostrum.registration.emails`` once the transaction commits.
"""

from django.conf import settings
from django.db import IntegrityError, transaction
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from rostrum.accounts.access import require_permission
from rostrum.core import audit, events
from rostrum.registration import emails
from rostrum.registration.access import settings_of
from rostrum.registration.constants import (
    HOLDING_A_PLACE,
    MAX_CUSTOM_FIELDS,
    RESEND_INTERVAL,
    Approval,
    MessageKind,
    RegistrantStatus,
)
from rostrum.registration.errors import RegistrationError
from rostrum.registration.models import Registrant, RegistrationField, RegistrationSettings, new_nonce
from rostrum.rooms.models import Room


def is_open(registration: RegistrationSettings, now=None) -> bool:
    """Registration is on and the room has not ended (a permanent room never ends)."""
    room = registration.room
    now = now or timezone.now()
    return registration.enabled and (room.is_permanent or room.ends_at is None or room.ends_at > now)


def places_left(registration: RegistrationSettings) -> int | None:
    """None without a limit."""
    if registration.max_registrants is None:
        return None
    taken = Registrant.objects.filter(room_id=registration.room_id, status__in=HOLDING_A_PLACE).count()
    return max(registration.max_registrants - taken, 0)


def current_language() -> str:
    language = translation.get_language() or settings.LANGUAGE_CODE
    return language if language in dict(settings.LANGUAGES) else settings.LANGUAGE_CODE


def _lock_room(room: Room) -> RegistrationSettings:
    """Caller is in a transaction. Counting places happens under this lock, one registration at a time."""
    Room.objects.select_for_update().filter(pk=room.pk).first()
    return settings_of(room)


def check_register(room: Room, form, *, language: str) -> Registrant:
    """``form`` is a valid RegistrationForm for ``room``. Raises RegistrationError with codes
    ``closed``, ``full`` and ``already_registered`` (after sending the link again, at most so often)."""
    registrant, created = check_register_or_find(room, form, language=language)
    if not created:
        raise RegistrationError(
            "already_registered",
            _(
                "This e-mail address is registered already: look for our e-mail with your personal link. "
                "Once approved, we send the link again when asked, at most every few minutes."
            ),
        )
    return registrant


def check_register_or_find(room: Room, form, *, language: str, send_email: bool = True) -> tuple[Registrant, bool]:
    """``(registrant, created)``: register, or find who registered this e-mail address before (their
    link is then sent again when ``send_email``, at most every RESEND_INTERVAL). Raises
    RegistrationError ``closed`` or ``full``. The REST API registers through here without e-mails
    when the caller asks for none; the page always sends them."""
    with transaction.atomic():
        registration = _lock_room(room)
        if not is_open(registration):
            raise RegistrationError("closed", _("Registration for this room is closed."))
        email = form.cleaned_data["email"]
        existing = Registrant.objects.filter(room=room, email=email).first()
        if existing is None:
            if places_left(registration) == 0:
                raise RegistrationError("full", _("Sorry, this room has no places left."))
            return do_register(room, registration, form, language=language, send_email=send_email), True
    if send_email:
        _resend_link(existing)  # outside the block above: a refusal by the caller must not roll it back
    return existing, False


def do_register(
    room: Room, registration: RegistrationSettings, form, *, language: str, send_email: bool = True
) -> Registrant:
    data = form.cleaned_data
    is_automatic = registration.approval == Approval.AUTOMATIC
    try:
        with transaction.atomic():
            registrant = Registrant.objects.create(
                room=room,
                first_name=data["first_name"],
                last_name=data["last_name"],
                email=data["email"],
                answers=form.answers(),
                consent_given_at=timezone.now() if data.get("consent") else None,
                language=language,
                timezone=data["timezone"],
                status=RegistrantStatus.APPROVED if is_automatic else RegistrantStatus.PENDING,
                decided_at=timezone.now() if is_automatic else None,
            )
    except IntegrityError:  # the room lock makes this unreachable; the constraint is the backstop
        raise RegistrationError("already_registered", _("This e-mail address is registered already.")) from None
    if send_email:
        emails.send_now(registrant, MessageKind.CONFIRMATION if is_automatic else MessageKind.PENDING)
    events.emit(room.account, events.REGISTRATION_CREATED, events.registrant_data(registrant))
    return registrant


def _resend_link(registrant: Registrant) -> None:
    if registrant.status != RegistrantStatus.APPROVED:
        return
    recent = registrant.messages.filter(kind=MessageKind.CONFIRMATION, created_at__gt=timezone.now() - RESEND_INTERVAL)
    if not recent.exists():
        emails.send_now(registrant, MessageKind.CONFIRMATION)


def check_approve(membership, registrant: Registrant, request=None) -> None:
    require_permission(membership, "manage_rooms")
    with transaction.atomic():
        registration = _lock_room(registrant.room)
        registrant = Registrant.objects.select_for_update().get(pk=registrant.pk)
        if registrant.status == RegistrantStatus.APPROVED:
            return
        if registrant.status == RegistrantStatus.REJECTED and places_left(registration) == 0:
            raise RegistrationError("full", _("There are no places left to approve this registrant into."))
        _decide(membership, registrant, RegistrantStatus.APPROVED, request)
        emails.send_now(registrant, MessageKind.CONFIRMATION)


def check_reject(membership, registrant: Registrant, request=None) -> None:
    """Rejecting also revokes the join link (a new nonce), should it be approved again later."""
    require_permission(membership, "manage_rooms")
    if registrant.status != RegistrantStatus.REJECTED:
        registrant.nonce = new_nonce()
        _decide(membership, registrant, RegistrantStatus.REJECTED, request, also=["nonce"])


def _decide(membership, registrant: Registrant, status: str, request, also=()) -> None:
    registrant.status = status
    registrant.decided_at = timezone.now()
    registrant.save(update_fields=["status", "decided_at", *also])
    audit.record(
        f"registration.registrant.{status}",
        account=registrant.room.account,
        actor=membership.user,
        target=registrant,
        request=request,
        room=registrant.room_id,
    )


def check_remove(membership, registrant: Registrant, request=None) -> None:
    require_permission(membership, "manage_rooms")
    audit.record(
        "registration.registrant.removed",
        account=registrant.room.account,
        actor=membership.user,
        request=request,
        room=registrant.room_id,
    )
    registrant.delete()


def check_save_settings(membership, form, request=None) -> RegistrationSettings:
    """``form`` is a bound, valid RegistrationSettingsForm of one of ``membership``'s rooms."""
    require_permission(membership, "manage_rooms")
    registration = form.save()
    if "enabled" in form.changed_data:
        audit.record(
            "registration.settings.switched",
            account=registration.room.account,
            actor=membership.user,
            target=registration.room,
            request=request,
            enabled=registration.enabled,
        )
    return registration


def check_add_field(membership, room: Room, form) -> RegistrationField:
    """``form`` is a valid RegistrationFieldForm for one of ``membership``'s rooms; it goes last."""
    require_permission(membership, "manage_rooms")
    Room.objects.select_for_update().filter(pk=room.pk).first()  # positions and the count, one at a time
    if room.registration_fields.count() >= MAX_CUSTOM_FIELDS:
        raise RegistrationError(
            "too_many_fields", _("A form has at most %(count)d questions.") % {"count": MAX_CUSTOM_FIELDS}
        )
    field = form.save(commit=False)
    field.room = room
    last = room.registration_fields.order_by("-position").values_list("position", flat=True).first()
    field.position = 0 if last is None else last + 1
    field.save()
    return field


def do_move_field(field: RegistrationField, *, up: bool) -> None:
    """Swap with the neighbour above or below; the first cannot go up, nor the last down."""
    fields = list(RegistrationField.objects.select_for_update().filter(room_id=field.room_id))
    index = next(i for i, f in enumerate(fields) if f.pk == field.pk)
    other = index - 1 if up else index + 1
    if not 0 <= other < len(fields):
        return
    fields[index], fields[other] = fields[other], fields[index]
    for position, each in enumerate(fields):
        if each.position != position:
            each.position = position
            each.save(update_fields=["position"])
