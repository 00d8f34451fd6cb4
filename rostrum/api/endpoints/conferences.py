"""Conferences (spec §3.1, §3.2): rooms, their status, auto-login hashes, tokens and invitations.

Each view parses ClickMeeting's parameters, authorises with the key's member, and hands over to
the same actions the room pages use (rostrum.rooms.actions, rostrum.registration.actions,
rostrum.contacts.invitations). See docs/api.md for which parameters act and which are only stored.
"""

from datetime import timedelta

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.db import transaction
from django.forms.models import model_to_dict
from django.utils import translation
from django.utils.crypto import constant_time_compare
from django.utils.translation import gettext as _
from drf_spectacular.utils import OpenApiParameter, extend_schema, inline_serializer
from rest_framework import serializers
from rest_framework.response import Response

from rostrum.api import params
from rostrum.api.conference_input import ERROR_CODE_TO_API, ConferenceInput, form_errors, read_conference_input
from rostrum.api.errors import ApiError
from rostrum.api.schema import ErrorSerializer
from rostrum.api.shapes.conference import (
    ACTIVE,
    INACTIVE,
    AccessTokenSerializer,
    ConferenceSerializer,
    build_conference,
    build_token,
    conference_queryset,
)
from rostrum.api.views import ApiView, cm_path, require_api_permission
from rostrum.contacts import invitations
from rostrum.contacts.errors import ContactsError
from rostrum.core.errors import RostrumError
from rostrum.registration.access import settings_of
from rostrum.registration.actions import check_save_settings
from rostrum.registration.forms import RegistrationSettingsForm
from rostrum.rooms import actions, presenters
from rostrum.rooms.access import access_room_by_id, rooms_of
from rostrum.rooms.autologin import make_autologin_hash
from rostrum.rooms.constants import AccessType, ParticipantRole
from rostrum.rooms.models import AccessToken, Room

TAGS = ["Conferences"]
PAGE_SIZE = 500  # ClickMeeting does not document its page size; clients stop at the first short page
AUTOLOGIN_ROLES = {
    "listener": ParticipantRole.ATTENDEE,
    "presenter": ParticipantRole.PRESENTER,
    "host": ParticipantRole.HOST,
    "guest_speaker": ParticipantRole.PRESENTER,
    "moderator": ParticipantRole.HOST,
}
INVITATION_ROLES = ("listener", "presenter")


MAX_ID = 2**31 - 1  # beyond any id: answer 404 rather than overflow the database's integer


def _room(request, room_id: str, permission: str = "view_rooms") -> Room:
    require_api_permission(request, permission)
    if len(room_id) > 10 or int(room_id) > MAX_ID:
        raise ApiError.not_found()
    room = access_room_by_id(request.membership, int(room_id), permission)
    return conference_queryset(Room.objects.filter(pk=room.pk)).get()


def _domain_error(error: RostrumError, name: str = "") -> ApiError:
    return ApiError(422, error.message, [(ERROR_CODE_TO_API.get(error.code, name), error.message)])


def _apply_extras(request, room: Room, given: ConferenceInput) -> None:
    """What RoomForm does not hold: status and registration, through their own actions."""
    membership = request.membership
    if given.is_active is not None:
        actions.check_set_room_active(membership, room, given.is_active, request=request)
    changes = {}
    if given.registration_enabled is not None:
        changes["enabled"] = given.registration_enabled
    if given.thank_you_emails_enabled is not None:
        changes["follow_up_enabled"] = given.thank_you_emails_enabled
    if changes:
        registration = settings_of(room)
        fields = RegistrationSettingsForm._meta.fields
        data = {key: "" if value is None else value for key, value in model_to_dict(registration, fields).items()}
        form = RegistrationSettingsForm({**data, **changes}, instance=registration)
        if not form.is_valid():
            raise form_errors(form)
        check_save_settings(membership, form, request=request)


def _answer(room: Room) -> dict:
    return build_conference(conference_queryset(Room.objects.filter(pk=room.pk)).get())


def _page(request) -> int:
    try:
        return params.as_int(request.cm_params.get("page"), "page", default=1, minimum=1) or 1
    except ApiError:
        return 1  # lenient: a page we cannot read is the first


def _conferences(request, status: str | None = None) -> list[dict]:
    require_api_permission(request, "view_rooms")
    rooms = conference_queryset(rooms_of(request.membership)).order_by("id")
    answer = [build_conference(room) for room in rooms]
    return [conference for conference in answer if status is None or conference["status"] == status]


conference_parameters = {
    "name": serializers.CharField(required=False, help_text="Required to create."),
    "room_type": serializers.CharField(required=False, help_text="meeting or webinar; required to create."),
    "permanent_room": serializers.CharField(required=False, help_text="1/0, true/false."),
    "access_type": serializers.IntegerField(required=False, help_text="1 open, 2 password, 3 tokens."),
    "password": serializers.CharField(required=False),
    "custom_room_url_name": serializers.CharField(required=False),
    "lobby_enabled": serializers.CharField(required=False),
    "lobby_description": serializers.CharField(required=False),
    "starts_at": serializers.CharField(required=False, help_text="Y-m-d H:i[:s] in timezone, or ISO 8601."),
    "duration": serializers.CharField(required=False, help_text="H:MM or hours."),
    "timezone": serializers.CharField(required=False),
    "skin_id": serializers.IntegerField(required=False),
    "status": serializers.CharField(required=False, help_text="active or inactive (update)."),
}


class ConferenceListView(ApiView):
    @extend_schema(
        tags=TAGS,
        summary="All conferences, by status",
        responses=inline_serializer(
            "ConferencesByStatus",
            {
                "active_conferences": ConferenceSerializer(many=True),
                "inactive_conferences": ConferenceSerializer(many=True),
            },
        ),
    )
    def get(self, request):
        conferences = _conferences(request)
        return Response(
            {
                "active_conferences": [c for c in conferences if c["status"] == ACTIVE],
                "inactive_conferences": [c for c in conferences if c["status"] == INACTIVE],
            }
        )

    @extend_schema(
        tags=TAGS,
        summary="Create a conference (room)",
        request=inline_serializer("ConferenceCreate", conference_parameters),
        responses={201: inline_serializer("ConferenceCreated", {"room": ConferenceSerializer()})},
    )
    def post(self, request):
        membership = require_api_permission(request, "manage_rooms")
        given = read_conference_input(request.cm_params, membership.account)
        if not given.form.is_valid():
            raise form_errors(given.form)
        given.form.instance.compat_settings = given.compat_settings
        try:
            with transaction.atomic():
                room = actions.check_create_room(membership, given.form, request=request)
                _apply_extras(request, room, given)
        except RostrumError as error:
            raise _domain_error(error) from None
        return Response({"room": _answer(room)}, status=201)


class ConferenceStatusListView(ApiView):
    @extend_schema(
        tags=TAGS,
        summary="Active or inactive conferences",
        parameters=[OpenApiParameter("page", int, required=False)],
        responses=ConferenceSerializer(many=True),
    )
    def get(self, request, status: str):
        start = (_page(request) - 1) * PAGE_SIZE
        return Response(_conferences(request, status)[start : start + PAGE_SIZE])


class ConferenceView(ApiView):
    @extend_schema(
        tags=TAGS,
        summary="One conference",
        responses=inline_serializer("ConferenceAnswer", {"conference": ConferenceSerializer()}),
    )
    def get(self, request, room_id: str):
        return Response({"conference": build_conference(_room(request, room_id))})

    @extend_schema(
        tags=TAGS,
        summary="Change a conference (every parameter optional)",
        request=inline_serializer("ConferenceUpdate", conference_parameters),
        responses=inline_serializer("ConferenceUpdated", {"conference": ConferenceSerializer()}),
    )
    def put(self, request, room_id: str):
        room = _room(request, room_id, "manage_rooms")
        given = read_conference_input(request.cm_params, room.account, room)
        if not given.form.is_valid():
            raise form_errors(given.form)
        given.form.instance.compat_settings = given.compat_settings
        try:
            with transaction.atomic():
                room = actions.check_update_room(request.membership, given.form, request=request)
                _apply_extras(request, room, given)
        except RostrumError as error:
            raise _domain_error(error) from None
        return Response({"conference": _answer(room)})

    @extend_schema(
        tags=TAGS,
        summary="Delete a conference",
        responses={200: inline_serializer("ConferenceDeleted", {"result": serializers.CharField(default="OK")})},
    )
    def delete(self, request, room_id: str):
        room = _room(request, room_id, "manage_rooms")
        with transaction.atomic():
            actions.check_delete_room(request.membership, room, request=request)
        return Response({"result": "OK"})


class AvailabilityView(ApiView):
    @extend_schema(
        tags=TAGS,
        summary="Is a time slot free? (200 free, 409 taken by another scheduled room of this account)",
        request=inline_serializer(
            "AvailabilityQuery",
            {
                "start_time": serializers.CharField(help_text="Y-m-d H:i:s in UTC."),
                "duration": serializers.CharField(required=False, help_text="Hours (or H:MM); 1 by default."),
                "id": serializers.IntegerField(required=False, help_text="A room to leave out (0: none)."),
            },
        ),
        responses={
            200: inline_serializer("Availability", {"status": serializers.CharField(default="OK")}),
            409: ErrorSerializer,
        },
    )
    def post(self, request):
        require_api_permission(request, "view_rooms")
        p = request.cm_params
        start = params.as_datetime(p.get("start_time"), "UTC", "start_time")
        if start is None:
            raise ApiError.invalid("start_time", _("start_time is required."))
        minutes = params.as_duration(p.get("duration"), "duration", default=60)
        try:
            end = start + timedelta(minutes=max(minutes, 1))
        except OverflowError:
            raise ApiError.invalid("start_time", _("start_time is out of range.")) from None
        leave_out = params.as_int(p.get("id"), "id", default=0, minimum=0, maximum=MAX_ID)
        scheduled = rooms_of(request.membership).filter(is_active=True, is_permanent=False, starts_at__lt=end)
        for room in scheduled.exclude(pk=leave_out).exclude(starts_at=None):
            if room.ends_at is not None and room.ends_at > start:
                message = _("This time is taken by the room “%(name)s”.") % {"name": room.name}
                raise ApiError(409, message, [("start_time", message)])
        return Response({"status": "OK"})


class AutologinHashView(ApiView):
    @extend_schema(
        tags=TAGS,
        summary="A personal join link: <room_url>?l=<autologin_hash>",
        request=inline_serializer(
            "AutologinQuery",
            {
                "email": serializers.EmailField(),
                "nickname": serializers.CharField(),
                "role": serializers.ChoiceField(choices=list(AUTOLOGIN_ROLES)),
                "password": serializers.CharField(required=False, help_text="For password rooms."),
                "token": serializers.CharField(required=False, help_text="For token rooms: an unused token."),
            },
        ),
        responses=inline_serializer("AutologinHash", {"autologin_hash": serializers.CharField()}),
    )
    def post(self, request, room_id: str):
        room = _room(request, room_id, "manage_rooms")
        p = request.cm_params
        errors = []
        email = params.as_str(p.get("email"), "email", default="", max_length=254)
        try:
            validate_email(email)
        except ValidationError:
            errors.append(("email", _("Give a valid e-mail address.")))
        nickname = " ".join((params.as_str(p.get("nickname"), "nickname", default="") or "").split())[:100]
        if not nickname:
            errors.append(("nickname", _("Tell the others your name.")))
        role = AUTOLOGIN_ROLES.get((params.as_str(p.get("role"), "role", default="") or "").lower())
        if role is None:
            errors.append(("role", _("role must be listener, presenter or host.")))
        token = ""
        if room.access_type == AccessType.PASSWORD:
            password = params.as_str(p.get("password"), "password", default="")
            if not room.password or not constant_time_compare(password, room.password):
                errors.append(("password", _("The room's password is required, and this is not it.")))
        elif room.access_type == AccessType.TOKEN:
            token = (params.as_str(p.get("token"), "token", default="") or "").upper()
            if not AccessToken.objects.filter(room=room, token=token, used_at=None).exists():
                errors.append(("token", _("An unused access token of this room is required.")))
        if errors:
            raise ApiError(422, errors[0][1], errors)
        value = make_autologin_hash(room, nickname=nickname, email=email.lower(), role=role, token=token)
        return Response({"autologin_hash": value})


class TokensView(ApiView):
    @extend_schema(
        tags=TAGS,
        summary="The room's access tokens",
        responses=inline_serializer("AccessTokens", {"access_tokens": AccessTokenSerializer(many=True)}),
    )
    def get(self, request, room_id: str):
        room = _room(request, room_id, "manage_rooms")
        return Response({"access_tokens": [build_token(room, token) for token in room.access_tokens.all()]})

    @extend_schema(
        tags=TAGS,
        summary="Generate access tokens (they open token rooms, access_type 3)",
        request=inline_serializer("TokensQuery", {"how_many": serializers.IntegerField(min_value=1)}),
        responses=inline_serializer("AccessTokensGenerated", {"access_tokens": AccessTokenSerializer(many=True)}),
    )
    def post(self, request, room_id: str):
        room = _room(request, room_id, "manage_rooms")
        how_many = params.as_int(request.cm_params.get("how_many"), "how_many")
        if how_many is None:
            raise ApiError.invalid("how_many", _("how_many is required."))
        try:
            with transaction.atomic():
                tokens = actions.check_generate_access_tokens(request.membership, room, how_many, request=request)
        except RostrumError as error:
            raise _domain_error(error, "how_many") from None
        return Response({"access_tokens": [build_token(room, token) for token in tokens]})

    @extend_schema(
        tags=TAGS,
        summary="Delete unused access tokens",
        request=inline_serializer("TokensDelete", {"tokens": serializers.ListField(child=serializers.CharField())}),
        responses={
            200: inline_serializer(
                "AccessTokensDeleted",
                {"status": serializers.CharField(default="deleted"), "message": serializers.CharField()},
            )
        },
    )
    def delete(self, request, room_id: str):
        room = _room(request, room_id, "manage_rooms")
        given = request.cm_params.get("tokens")
        if isinstance(given, dict):
            given = list(given.values())
        elif isinstance(given, str):
            given = given.split(",")
        tokens = [value for value in given or [] if isinstance(value, str | int)]
        if not tokens:
            raise ApiError.invalid("tokens", _("Name the tokens to delete: tokens[]=..."))
        with transaction.atomic():
            deleted = actions.check_delete_access_tokens(request.membership, room, tokens, request=request)
        message = _("%(count)d tokens deleted: they are not accessible anymore. Used tokens are kept.") % {
            "count": deleted
        }
        return Response({"status": "deleted", "message": message})


def _invitation_language(lang: str) -> str:
    lang = lang.lower().replace("_", "-")
    languages = dict(settings.LANGUAGES)
    for candidate in ("en" if lang == "us" else lang, lang.split("-")[0]):
        if candidate in languages:
            return candidate
    return settings.LANGUAGE_CODE


def _attendee_addresses(value) -> tuple[list[str], list[tuple[str, str]]]:
    items = (
        list(value.items()) if isinstance(value, dict) else list(enumerate(value if isinstance(value, list) else []))
    )
    if isinstance(value, str):
        items = [(0, value)]
    good, bad = [], []
    for index, item in items:
        text = item.get("email") if isinstance(item, dict) else item
        name = f"attendees[{index}][email]"
        if not isinstance(text, str) or not text.strip():
            bad.append((name, _("Give an e-mail address.")))
            continue
        addresses, unreadable = invitations.parse_addresses(text)
        if unreadable or len(addresses) != 1:
            bad.append((name, _("%(address)s is not a valid e-mail address.") % {"address": text.strip()}))
        elif addresses[0] not in good:
            good.append(addresses[0])
    return good, bad


class InvitationView(ApiView):
    @extend_schema(
        tags=TAGS,
        summary="E-mail invitations (in the path's language; us = en)",
        request=inline_serializer(
            "InvitationQuery",
            {
                "attendees": serializers.ListField(
                    child=inline_serializer("InvitationAttendee", {"email": serializers.EmailField()})
                ),
                "role": serializers.ChoiceField(choices=list(INVITATION_ROLES), required=False),
                "template": serializers.ChoiceField(choices=["basic", "advanced"], required=False),
            },
        ),
        responses=inline_serializer("InvitationSent", {"status": serializers.CharField(default="OK")}),
    )
    def post(self, request, room_id: str, lang: str):
        room = _room(request, room_id, "manage_rooms")
        p = request.cm_params
        addresses, bad = _attendee_addresses(p.get("attendees"))
        if bad:
            raise ApiError(422, bad[0][1], bad)
        if not addresses:
            raise ApiError.invalid("attendees", _("Give at least one address: attendees[][email]=..."))
        role = (params.as_str(p.get("role"), "role", default="listener") or "listener").lower()
        if role not in INVITATION_ROLES:
            raise ApiError.invalid("role", _("role must be listener or presenter."))
        language = _invitation_language(lang)
        link = None
        if role == "presenter":
            link = settings.SITE_URL.rstrip("/") + presenters.presenter_path(room)
        with translation.override(language):
            subject, body = invitations.default_subject(), invitations.default_body()
        recipients = invitations.collect_recipients(room.account, [], [], addresses)
        try:
            with transaction.atomic():
                invitations.check_send_invitations(
                    request.membership,
                    room,
                    recipients=recipients,
                    subject=subject,
                    body=body,
                    language=language,
                    link=link,
                    request=request,
                )
        except ContactsError as error:
            raise ApiError.invalid("attendees", error.message) from None
        return Response({"status": "OK"})


urlpatterns = [
    cm_path(r"conferences", ConferenceListView, name="api_conferences"),
    cm_path(r"conferences/(?P<status>active|inactive)", ConferenceStatusListView, name="api_conferences_by_status"),
    cm_path(r"conferences/(?P<room_id>\d+)", ConferenceView, name="api_conference"),
    cm_path(r"conference/availability", AvailabilityView, name="api_conference_availability"),
    cm_path(r"conferences/(?P<room_id>\d+)/room/autologin_hash", AutologinHashView, name="api_conference_autologin"),
    cm_path(r"conferences/(?P<room_id>\d+)/tokens", TokensView, name="api_conference_tokens"),
    cm_path(
        r"conferences/(?P<room_id>\d+)/invitation/email/(?P<lang>[A-Za-z_-]{2,10})",
        InvitationView,
        name="api_conference_invitation",
    ),
]
