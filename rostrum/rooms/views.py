from django.conf import settings
from django.contrib import messages
from django.db import transaction
from django.db.models import Count
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST
from django_ratelimit.core import get_usage

from rostrum.accounts.access import has_permission
from rostrum.accounts.constants import PERMISSIONS
from rostrum.accounts.decorators import account_permission_required
from rostrum.accounts.models import Account
from rostrum.core.ids import random_token
from rostrum.core.views import rate_limited
from rostrum.live.tokens import make_join_token
from rostrum.registration.access import is_registration_required
from rostrum.rooms import actions, autologin, presenters, session_actions
from rostrum.rooms.access import access_room_by_id, find_room_by_number, find_room_by_slugs, rooms_of
from rostrum.rooms.constants import (
    JOIN_EMAIL_SESSION_KEY,
    JOIN_RATE,
    JOIN_SESSION_KEY,
    PARTICIPANT_KEY_SESSION_KEY,
    AccessType,
    ParticipantRole,
)
from rostrum.rooms.errors import RoomsError
from rostrum.rooms.forms import EnterRoomForm, GenerateTokensForm, JoinByNumberForm, RoomForm
from rostrum.rooms.models import Room


@account_permission_required("view_rooms")
def room_list(request):
    rooms = rooms_of(request.membership).order_by("-created_at")
    return render(request, "rooms/room_list.html", {"rooms": rooms})


@account_permission_required("manage_rooms")
def room_create(request):
    form = RoomForm(request.POST or None, account=request.membership.account)
    if request.method == "POST" and form.is_valid():
        try:
            with transaction.atomic():
                room = actions.check_create_room(request.membership, form, request=request)
        except RoomsError as error:
            form.add_error(None, error.message)
        else:
            messages.success(request, _("Room created. Its number is %(number)s.") % {"number": room.display_number})
            return redirect("room_detail", room_id=room.pk)
    return render(request, "rooms/room_form.html", {"form": form}, status=400 if form.errors else 200)


@account_permission_required("manage_rooms")
def room_edit(request, room_id: int):
    room = access_room_by_id(request.membership, room_id, "manage_rooms")
    form = RoomForm(request.POST or None, instance=room, account=room.account)
    if request.method == "POST" and form.is_valid():
        try:
            with transaction.atomic():
                actions.check_update_room(request.membership, form, request=request)
        except RoomsError as error:
            form.add_error(None, error.message)
        else:
            messages.success(request, _("Room saved."))
            return redirect("room_detail", room_id=room.pk)
    return render(request, "rooms/room_form.html", {"form": form, "room": room}, status=400 if form.errors else 200)


@account_permission_required("view_rooms")
def room_detail(request, room_id: int):
    room = access_room_by_id(request.membership, room_id)
    tokens = room.access_tokens.all()
    context = {
        "room": room,
        "token_form": GenerateTokensForm(),
        "tokens_total": tokens.count(),
        "tokens_used": tokens.exclude(used_at=None).count(),
        "room_url": request.build_absolute_uri(room_url(room)),
        "presenter_url": request.build_absolute_uri(presenters.presenter_path(room)),
        "room_sessions": room.sessions.annotate(participant_count=Count("participants")).order_by("-created_at"),
    }
    return render(request, "rooms/room_detail.html", context)


@account_permission_required("manage_rooms")
def room_delete(request, room_id: int):
    room = access_room_by_id(request.membership, room_id, "manage_rooms")
    if request.method == "POST":
        actions.check_delete_room(request.membership, room, request=request)
        messages.success(request, _("Room “%(name)s” deleted.") % {"name": room.name})
        return redirect("room_list")
    return render(request, "rooms/room_confirm_delete.html", {"room": room})


@require_POST
@account_permission_required("manage_rooms")
def room_generate_tokens(request, room_id: int):
    room = access_room_by_id(request.membership, room_id, "manage_rooms")
    form = GenerateTokensForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Give a whole number of tokens to generate."))
        return redirect("room_detail", room_id=room.pk)
    try:
        with transaction.atomic():
            tokens = actions.check_generate_access_tokens(
                request.membership, room, form.cleaned_data["count"], request=request
            )
    except RoomsError as error:
        messages.error(request, error.message)
    else:
        messages.success(request, _("%(count)d access tokens generated.") % {"count": len(tokens)})
    return redirect("room_detail", room_id=room.pk)


@account_permission_required("manage_rooms")
def room_tokens_csv(request, room_id: int):
    room = access_room_by_id(request.membership, room_id, "manage_rooms")
    response = HttpResponse(actions.build_access_tokens_csv(room), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="room-{room.number}-tokens.csv"'
    return response


def room_url(room: Room) -> str:
    from django.urls import reverse

    return reverse("room_enter", args=[room.account.slug, room.slug])


def admit(request, room: Room, display_name: str, email: str = ""):
    """Let this browser into the room's page under a name; ``email`` when known (a registrant's link)."""
    admitted = request.session.get(JOIN_SESSION_KEY, {})
    admitted[str(room.pk)] = display_name
    request.session[JOIN_SESSION_KEY] = admitted
    emails = request.session.get(JOIN_EMAIL_SESSION_KEY, {})
    emails[str(room.pk)] = email
    request.session[JOIN_EMAIL_SESSION_KEY] = emails
    return redirect("room_lobby", account_slug=room.account.slug, room_slug=room.slug)


def _is_organiser(request, room: Room) -> bool:
    membership = request.membership
    return (
        membership is not None
        and membership.account_id == room.account_id
        and has_permission(membership, "manage_rooms")
    )


def _to_registration(room: Room):
    """A room with registration is entered through each registrant's personal link."""
    return redirect("registration_register", account_slug=room.account.slug, room_slug=room.slug)


def _try_enter(request, room: Room | None, form):
    """Admit, or answer the same refusal whether the room is unknown or the secret wrong."""
    usage = get_usage(request, group="rooms.join", key="ip", rate=JOIN_RATE, increment=False)
    if usage["count"] >= usage["limit"]:
        return rate_limited(request)
    try:
        if room is None:
            raise RoomsError("not_admitted", _("We could not find a room with this number and password or token."))
        if not _is_organiser(request, room) and is_registration_required(room):
            return _to_registration(room)
        if not _is_organiser(request, room):
            actions.check_enter_room(
                room, display_name=form.cleaned_data["display_name"], secret=form.cleaned_data["secret"]
            )
    except RoomsError as error:
        get_usage(request, group="rooms.join", key="ip", rate=JOIN_RATE, increment=True)
        form.add_error(None, error.message)
        return None
    return admit(request, room, form.cleaned_data["display_name"])


def join(request):
    initial = {"display_name": request.user.get_full_name()} if request.user.is_authenticated else {}
    form = JoinByNumberForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        response = _try_enter(request, find_room_by_number(form.cleaned_data["number"]), form)
        if response is not None:
            return response
    return render(request, "rooms/join.html", {"form": form}, status=400 if form.errors else 200)


def _enter_by_autologin(request, room: Room, value: str):
    """``?l=<hash>`` (rostrum.rooms.autologin): straight in under the hash's name, e-mail and role.
    None, with a message for the entry page, when the hash is bad or the room refuses it."""
    grant = autologin.read_autologin_hash(room, value)
    if grant is None:
        messages.error(request, _("This sign-in link is not valid for this room. Enter your name below."))
        return None
    if not room.is_active:
        messages.error(request, _("This room is closed at the moment."))
        return None
    # A host's hash needs no password or token (the room's own hosts need none either); a
    # reload in the same browser does not spend a token again.
    if grant.role != ParticipantRole.HOST and str(room.pk) not in request.session.get(JOIN_SESSION_KEY, {}):
        secret = {AccessType.TOKEN: grant.token, AccessType.PASSWORD: room.password}.get(room.access_type, "")
        try:
            actions.check_enter_room(room, display_name=grant.nickname, secret=secret)
        except RoomsError as error:
            messages.error(request, error.message)
            return None
    if grant.role == ParticipantRole.HOST:
        presenters.remember_host(request, room)
    elif grant.role == ParticipantRole.PRESENTER:
        presenters.remember_presenter(request, room)
    return admit(request, room, grant.nickname, grant.email)


def room_enter(request, account_slug: str, room_slug: str):
    room = find_room_by_slugs(account_slug, room_slug)
    token = request.GET.get("r", "")
    if token and "/" not in token:
        # ``<room URL>?r=<hash>`` (what the REST API's registration answers, as ClickMeeting's does)
        # is the registrant's personal link: the link's own view checks the token and the status.
        return redirect("registration_join", account_slug=account_slug, room_slug=room_slug, token=token)
    if request.method == "GET" and request.GET.get("l"):
        response = _enter_by_autologin(request, room, request.GET["l"])
        if response is not None:
            return response
    if not _is_organiser(request, room) and is_registration_required(room):
        return _to_registration(room)
    initial = {"display_name": request.user.get_full_name()} if request.user.is_authenticated else {}
    form = EnterRoomForm(request.POST or None, initial=initial)
    if room.access_type == AccessType.OPEN or _is_organiser(request, room):
        del form.fields["secret"]
    if request.method == "POST" and form.is_valid():
        form.cleaned_data.setdefault("secret", "")
        response = _try_enter(request, room, form)
        if response is not None:
            return response
    context = {"room": room, "form": form}
    return render(request, "rooms/room_enter.html", context, status=400 if form.errors else 200)


def participant_key(request) -> str:
    """This browser's key: the same participant when the page reloads or the socket reconnects."""
    key = request.session.get(PARTICIPANT_KEY_SESSION_KEY)
    if key is None:
        key = request.session[PARTICIPANT_KEY_SESSION_KEY] = random_token(24)
    return key


def room_present(request, account_slug: str, room_slug: str, token: str):
    """A presenter link: the name, then the room as a presenter. A wrong token is not found."""
    room = find_room_by_slugs(account_slug, room_slug)
    if not presenters.is_valid_presenter_token(room, token):
        raise Http404
    initial = {"display_name": request.user.get_full_name()} if request.user.is_authenticated else {}
    form = EnterRoomForm(request.POST or None, initial=initial)
    del form.fields["secret"]
    if request.method == "POST" and form.is_valid():
        presenters.remember_presenter(request, room)
        return admit(request, room, form.cleaned_data["display_name"])
    context = {"room": room, "form": form, "as_presenter": True}
    return render(request, "rooms/room_enter.html", context, status=400 if form.errors else 200)


def _role_in(request, room: Room) -> str:
    if _is_organiser(request, room) or presenters.is_host(request, room):
        return ParticipantRole.HOST
    return ParticipantRole.PRESENTER if presenters.is_presenter(request, room) else ParticipantRole.ATTENDEE


def _email_in(request, room: Room) -> str:
    """The address a registrant's link brought, else the logged-in user's, else none."""
    email = request.session.get(JOIN_EMAIL_SESSION_KEY, {}).get(str(room.pk))
    return email or (request.user.email if request.user.is_authenticated else "")


def room_lobby(request, account_slug: str, room_slug: str):
    """The room's page: the lobby before the start, then the live room (the browser client)."""
    room = find_room_by_slugs(account_slug, room_slug)
    display_name = request.session.get(JOIN_SESSION_KEY, {}).get(str(room.pk))
    if display_name is None:
        return redirect("room_enter", account_slug=account_slug, room_slug=room_slug)
    is_organiser = _is_organiser(request, room)
    if not room.is_active and not is_organiser:
        message = _("This room is closed at the moment.")
        return render(request, "rooms/room_full.html", {"room": room, "message": message}, status=403)
    try:
        participant = session_actions.do_join(
            room,
            key=participant_key(request),
            display_name=display_name,
            role=_role_in(request, room),
            user=request.user if request.user.is_authenticated else None,
            email=_email_in(request, room),
        )
    except RoomsError as error:
        return render(request, "rooms/room_full.html", {"room": room, "message": error.message}, status=409)
    if participant.is_expelled:
        return render(request, "rooms/expelled.html", {"room": room}, status=403)
    organisers = room.account.memberships.filter(role__in=PERMISSIONS["manage_rooms"]).select_related("user")
    first_organiser = organisers.first()
    host = room.created_by or (first_organiser.user if first_organiser else None)
    context = {
        "room": room,
        "display_name": display_name,
        "host_name": host.get_full_name() if host else room.account.name,
        "is_organiser": is_organiser,
        "has_started": room.is_permanent or (room.starts_at is not None and room.starts_at <= timezone.now()),
        "participant": participant,
        "join_token": make_join_token(participant.pk),
        "chat_file_max_bytes": settings.CHAT_FILE_MAX_BYTES,
    }
    return render(request, "rooms/lobby.html", context)


def public_profile(request, account_slug: str):
    account = get_object_or_404(Account, slug=account_slug)
    if not account.profile_is_public:
        raise Http404
    now = timezone.now()
    rooms = [
        room
        for room in account.rooms.filter(is_public=True).order_by("starts_at", "name")
        if room.is_permanent or (room.ends_at and room.ends_at > now)
    ]
    return render(request, "rooms/public_profile.html", {"account": account, "rooms": rooms})
