"""The organiser's pages: registration settings, the form's questions, and the registrants."""

from django.contrib import messages
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from rostrum.accounts.decorators import account_permission_required
from rostrum.registration import actions
from rostrum.registration.access import access_field_by_id, access_registrant_by_id, settings_of
from rostrum.registration.constants import MAX_CUSTOM_FIELDS, RegistrantStatus
from rostrum.registration.errors import RegistrationError
from rostrum.registration.exports import build_registrants_csv
from rostrum.registration.forms import RegistrantFilterForm, RegistrationFieldForm, RegistrationSettingsForm
from rostrum.rooms.access import access_room_by_id


def _public_url(request, room) -> str:
    return request.build_absolute_uri(reverse("registration_register", args=[room.account.slug, room.slug]))


@account_permission_required("manage_rooms")
def registration_settings(request, room_id: int):
    room = access_room_by_id(request.membership, room_id, "manage_rooms")
    form = RegistrationSettingsForm(request.POST or None, instance=settings_of(room))
    if request.method == "POST" and form.is_valid():
        actions.check_save_settings(request.membership, form, request=request)
        messages.success(request, _("Registration settings saved."))
        return redirect("registration_settings", room_id=room.pk)
    context = {
        "room": room,
        "form": form,
        "fields": room.registration_fields.all(),
        "field_form": RegistrationFieldForm(),
        "can_add_field": room.registration_fields.count() < MAX_CUSTOM_FIELDS,
        "public_url": _public_url(request, room),
    }
    return render(request, "registration/settings.html", context, status=400 if form.errors else 200)


@account_permission_required("manage_rooms")
def field_add(request, room_id: int):
    room = access_room_by_id(request.membership, room_id, "manage_rooms")
    form = RegistrationFieldForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            actions.check_add_field(request.membership, room, form)
        except RegistrationError as error:
            form.add_error(None, error.message)
        else:
            messages.success(request, _("Question added."))
            return redirect("registration_settings", room_id=room.pk)
    context = {"room": room, "form": form}
    return render(request, "registration/field_form.html", context, status=400 if form.errors else 200)


@account_permission_required("manage_rooms")
def field_edit(request, room_id: int, field_id: int):
    field = access_field_by_id(request.membership, room_id, field_id)
    form = RegistrationFieldForm(request.POST or None, instance=field)
    if request.method == "POST" and form.is_valid():
        form.save()
        messages.success(request, _("Question saved."))
        return redirect("registration_settings", room_id=field.room_id)
    context = {"room": field.room, "form": form, "field": field}
    return render(request, "registration/field_form.html", context, status=400 if form.errors else 200)


@require_POST
@account_permission_required("manage_rooms")
def field_delete(request, room_id: int, field_id: int):
    field = access_field_by_id(request.membership, room_id, field_id)
    field.delete()  # answers stay on the registrants; the CSV shows only current questions
    messages.success(request, _("Question “%(label)s” removed.") % {"label": field.label})
    return redirect("registration_settings", room_id=room_id)


@require_POST
@account_permission_required("manage_rooms")
def field_move(request, room_id: int, field_id: int):
    field = access_field_by_id(request.membership, room_id, field_id)
    actions.do_move_field(field, up=request.POST.get("direction") == "up")
    return redirect(reverse("registration_settings", args=[room_id]) + f"#field-{field.pk}")


@account_permission_required("manage_rooms")
def registrant_list(request, room_id: int):
    room = access_room_by_id(request.membership, room_id, "manage_rooms")
    registration = settings_of(room)
    filter_form = RegistrantFilterForm(request.GET or None)
    status = filter_form.cleaned_data["status"] if filter_form.is_valid() else ""
    registrants = room.registrants.order_by("-created_at", "-id")
    context = {
        "room": room,
        "registration": registration,
        "filter_form": filter_form,
        "status": status,
        "registrants": registrants.filter(status=status) if status else registrants,
        "total": registrants.count(),
        "places_left": actions.places_left(registration),
        "public_url": _public_url(request, room),
    }
    return render(request, "registration/registrant_list.html", context)


def _decide(request, room_id: int, registrant_id: int, check, done_message: str):
    registrant = access_registrant_by_id(request.membership, room_id, registrant_id)
    try:
        check(request.membership, registrant, request=request)
    except RegistrationError as error:
        messages.error(request, error.message)
    else:
        messages.success(request, done_message % {"name": registrant.full_name})
    return redirect(reverse("registrant_list", args=[room_id]) + _status_query(request))


def _status_query(request) -> str:
    status = request.POST.get("status", "")
    return f"?status={status}" if status in RegistrantStatus.values else ""


@require_POST
@account_permission_required("manage_rooms")
def registrant_approve(request, room_id: int, registrant_id: int):
    message = _("%(name)s is approved and receives their link.")
    return _decide(request, room_id, registrant_id, actions.check_approve, message)


@require_POST
@account_permission_required("manage_rooms")
def registrant_reject(request, room_id: int, registrant_id: int):
    return _decide(request, room_id, registrant_id, actions.check_reject, _("%(name)s is rejected."))


@account_permission_required("manage_rooms")
def registrant_remove(request, room_id: int, registrant_id: int):
    registrant = access_registrant_by_id(request.membership, room_id, registrant_id)
    if request.method == "POST":
        actions.check_remove(request.membership, registrant, request=request)
        messages.success(request, _("%(name)s is removed.") % {"name": registrant.full_name})
        return redirect("registrant_list", room_id=room_id)
    return render(request, "registration/registrant_confirm_remove.html", {"registrant": registrant})


@account_permission_required("manage_rooms")
def registrants_csv(request, room_id: int):
    room = access_room_by_id(request.membership, room_id, "manage_rooms")
    response = HttpResponse(build_registrants_csv(room), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="room-{room.number}-registrants.csv"'
    return response
