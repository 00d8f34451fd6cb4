"""The public side: the registration page, its thank-you page, and the personal join link."""

from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django_ratelimit.core import get_usage

from rostrum.core.views import rate_limited
from rostrum.registration import actions
from rostrum.registration.access import settings_of
from rostrum.registration.constants import REGISTER_RATE, RegistrantStatus
from rostrum.registration.errors import RegistrationError
from rostrum.registration.forms import RegistrationForm
from rostrum.registration.tokens import registrant_for_token
from rostrum.rooms.access import find_room_by_slugs
from rostrum.rooms.views import admit

DONE_SESSION_KEY = "rostrum_registration_done"


def _is_over_the_rate(request) -> bool:
    """Every attempt counts, a good one too: a bot filling the form in a loop is stopped either way."""
    usage = get_usage(request, group="registration.register", key="ip", rate=REGISTER_RATE, increment=True)
    return usage["count"] > usage["limit"]


def register(request, account_slug: str, room_slug: str):
    room = find_room_by_slugs(account_slug, room_slug)
    registration = settings_of(room)
    context = {"room": room, "account": room.account, "registration": registration}
    if not actions.is_open(registration):
        return render(request, "registration/closed.html", context, status=404 if not registration.enabled else 410)
    if actions.places_left(registration) == 0:
        return render(request, "registration/full.html", context, status=409)
    if request.method == "POST" and _is_over_the_rate(request):
        return rate_limited(request)
    fields = room.registration_fields.all()
    form = RegistrationForm(request.POST or None, room=room, registration=registration, fields=fields)
    if request.method == "POST" and form.is_spam:
        return _done(request, room, RegistrantStatus.APPROVED)  # a bot is told nothing; nothing is saved
    if request.method == "POST" and form.is_valid():
        try:
            registrant = actions.check_register(room, form, language=actions.current_language())
        except RegistrationError as error:
            if error.code == "full":
                return render(request, "registration/full.html", context, status=409)
            form.add_error("email" if error.code == "already_registered" else None, error.message)
        else:
            return _done(request, room, registrant.status)
    context["form"] = form
    return render(request, "registration/register.html", context, status=400 if form.errors else 200)


def _done(request, room, status: str):
    request.session[DONE_SESSION_KEY] = status
    return redirect("registration_done", account_slug=room.account.slug, room_slug=room.slug)


def register_done(request, account_slug: str, room_slug: str):
    room = find_room_by_slugs(account_slug, room_slug)
    status = request.session.get(DONE_SESSION_KEY)
    if status is None:
        return redirect("registration_register", account_slug=account_slug, room_slug=room_slug)
    context = {"room": room, "account": room.account, "is_pending": status == RegistrantStatus.PENDING}
    return render(request, "registration/done.html", context)


def join(request, account_slug: str, room_slug: str, token: str):
    """An approved registrant's personal link: into the room under their name, no password asked."""
    room = find_room_by_slugs(account_slug, room_slug)
    registrant = registrant_for_token(room, token)
    if registrant is None:
        message = _("This link is not valid. Use the link from your latest e-mail, or register again.")
        return render(request, "registration/link_refused.html", {"room": room, "message": message}, status=404)
    if registrant.status != RegistrantStatus.APPROVED:
        message = (
            _("Your registration is awaiting the organiser's approval. You will receive your link by e-mail.")
            if registrant.status == RegistrantStatus.PENDING
            else _("Your registration was not accepted, so this link does not open the room.")
        )
        return render(request, "registration/link_refused.html", {"room": room, "message": message}, status=403)
    return admit(request, room, registrant.full_name, email=registrant.email)
