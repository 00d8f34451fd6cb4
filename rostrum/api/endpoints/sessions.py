"""Sessions, attendees, report PDFs, registrations and recordings of a room (spec §3.3 to §3.5).

Reading reports needs ``view_reports``; registrations are organisers' work (``manage_rooms``), as on
the pages. Another account's room or session answers 404.
"""

import zoneinfo

from django.db import transaction
from django.db.models import Exists, OuterRef
from django.http import JsonResponse
from django.shortcuts import get_object_or_404
from django.urls import path, reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_safe
from drf_spectacular.utils import OpenApiParameter, extend_schema, inline_serializer
from rest_framework import serializers
from rest_framework.response import Response

from rostrum.api import registration_shapes, report_pdfs, session_shapes
from rostrum.api.errors import ApiError, error_body
from rostrum.api.params import as_bool
from rostrum.api.views import ApiView, cm_path, require_api_permission
from rostrum.core.storage import private_storage
from rostrum.core.streaming import file_response
from rostrum.recordings import actions as recording_actions
from rostrum.recordings.access import access_recording_by_id, recordings_of
from rostrum.recordings.constants import MANAGE_PERMISSION as RECORDING_MANAGE
from rostrum.recordings.constants import VIEW_PERMISSION as RECORDING_VIEW
from rostrum.recordings.constants import RecordingStatus
from rostrum.registration import actions as registration_actions
from rostrum.registration.access import settings_of
from rostrum.registration.constants import RegistrantStatus
from rostrum.registration.errors import RegistrationError
from rostrum.registration.models import Registrant
from rostrum.rooms.access import access_room_by_id
from rostrum.rooms.models import Attendance, Participant, Room, Session

MAX_ID = 2**63 - 1


def object_id(value: str) -> int:
    """A path id; one too large for the database is simply not found."""
    number = int(value)
    if number > MAX_ID:
        raise ApiError.not_found()
    return number


def access_room(request, room_id: str, permission: str) -> Room:
    membership = require_api_permission(request, permission)
    return access_room_by_id(membership, object_id(room_id), permission)


def access_session(request, room_id: str, session_id: str, permission: str = "view_reports") -> Session:
    room = access_room(request, room_id, permission)
    session = get_object_or_404(Session, room=room, pk=object_id(session_id))
    session.room = room
    return session


# --- schemas ------------------------------------------------------------------------------------

NULLABLE_DATE = {"allow_null": True, "help_text": "ISO 8601 with the room's offset; null while open."}

SessionSummary = inline_serializer(
    "SessionSummary",
    {
        "id": serializers.IntegerField(),
        "total_visitors": serializers.IntegerField(),
        "max_visitors": serializers.IntegerField(),
        "start_date": serializers.CharField(),
        "end_date": serializers.CharField(**NULLABLE_DATE),
    },
    many=True,
)
PdfStatus = inline_serializer(
    "SessionPdfStatus",
    {
        "status": serializers.ChoiceField(["NEW", "IN PROGRESS", "FINISHED"]),
        "progress": serializers.IntegerField(min_value=0, max_value=100),
        "url": serializers.URLField(required=False),
    },
)
PdfEntry = inline_serializer(
    "SessionPdfEntry",
    {
        "status": serializers.ChoiceField(["IN PROGRESS", "FINISHED"], required=False),
        "progress": serializers.IntegerField(min_value=0, max_value=100),
        "url": serializers.URLField(required=False),
        "generate_pdf_url": serializers.URLField(required=False),
    },
)
SessionDetail = inline_serializer(
    "SessionDetail",
    {
        "total_visitors": serializers.IntegerField(),
        "max_visitors": serializers.IntegerField(),
        "start_date": serializers.CharField(),
        "end_date": serializers.CharField(**NULLABLE_DATE),
        "attendees": inline_serializer(
            "SessionDetailAttendee",
            {
                "id": serializers.IntegerField(),
                "start_date": serializers.CharField(),
                "end_date": serializers.CharField(**NULLABLE_DATE),
                "login": serializers.CharField(),
                "email": serializers.CharField(allow_blank=True),
            },
            many=True,
        ),
        "pdf": serializers.DictField(child=PdfEntry, help_text="One entry per report language."),
    },
)
Attendee = inline_serializer(
    "SessionAttendee",
    {
        "uid": serializers.CharField(),
        "role": serializers.ChoiceField(["listener", "presenter", "host"]),
        "nickname": serializers.CharField(),
        "email": serializers.CharField(allow_blank=True),
        "device": serializers.CharField(allow_blank=True, help_text="The browser's user agent."),
        "rating": serializers.CharField(allow_null=True, help_text="Always null: no ratings here."),
        "rating_comment": serializers.CharField(allow_null=True, help_text="Always null."),
        "start_date": serializers.CharField(),
        "end_date": serializers.CharField(**NULLABLE_DATE),
        "user_ip": serializers.CharField(allow_null=True, help_text="Always null: addresses are not stored."),
    },
    many=True,
)
Registration = inline_serializer(
    "Registration",
    {
        "id": serializers.IntegerField(),
        "visitor_nickname": serializers.CharField(),
        "email": serializers.CharField(),
        "registration_date": serializers.CharField(),
        "registration_confirmed": serializers.CharField(help_text='A date, or the string "null".'),
        "session_id": serializers.IntegerField(allow_null=True),
        "fields": serializers.DictField(child=serializers.CharField(allow_blank=True)),
        "url": serializers.URLField(),
        "r": serializers.CharField(),
        "http_referer": serializers.CharField(allow_null=True),
        "geo": inline_serializer(
            "RegistrationGeo",
            {"country": serializers.CharField(allow_null=True), "city": serializers.CharField(allow_null=True)},
        ),
    },
    many=True,
)
Registered = inline_serializer(
    "Registered",
    {
        "status": serializers.CharField(default="OK"),
        "exist": serializers.IntegerField(min_value=0, max_value=1),
        "url": serializers.URLField(),
        "r": serializers.CharField(),
    },
)
RegistrationRequest = inline_serializer(
    "RegistrationRequest",
    {
        "registration": serializers.DictField(
            child=serializers.CharField(),
            help_text="1 first name, 2 last name, 3 e-mail, 4… the room's questions in form order.",
        ),
        "confirmation_email": serializers.DictField(required=False, help_text="enabled (0/1), lang"),
        "lang": serializers.CharField(required=False),
        "timezone": serializers.CharField(required=False),
    },
)
Recording = inline_serializer(
    "Recording",
    {
        "id": serializers.IntegerField(),
        "recording_url": serializers.URLField(),
        "recording_duration": serializers.IntegerField(),
        "recorder_started": serializers.CharField(),
        "recorder_start_date": serializers.CharField(),
        "recording_file_size": serializers.IntegerField(),
    },
    many=True,
)
StatusOk = inline_serializer("RecordingsDeleted", {"STATUS": serializers.CharField(default="OK")})

STATUS_PARAMETER = OpenApiParameter("status", str, OpenApiParameter.PATH, enum=["all", "active"])
LANG_PARAMETER = OpenApiParameter("lang", str, OpenApiParameter.PATH, description="en, pl, de, ru, es, fr, it, pt-br")
SESSIONS = ["Sessions"]
REGISTRATIONS = ["Registrations"]
RECORDINGS = ["Recordings"]


# --- sessions -----------------------------------------------------------------------------------


class SessionListView(ApiView):
    @extend_schema(tags=SESSIONS, summary="The room's sessions (runs), newest first", responses=SessionSummary)
    def get(self, request, room_id: str):
        room = access_room(request, room_id, "view_reports")
        return Response(session_shapes.build_session_summaries(room))


def generate_pdf_url(session: Session, language: str) -> str:
    return session_shapes.api_url(f"conferences/{session.room_id}/sessions/{session.pk}/generate-pdf/{language}")


class SessionDetailView(ApiView):
    @extend_schema(tags=SESSIONS, summary="One session: figures, attendees and report PDFs", responses=SessionDetail)
    def get(self, request, room_id: str, session_id: str):
        session = access_session(request, room_id, session_id)
        pdf = {}
        for language in report_pdfs.report_languages():
            status = report_pdfs.pdf_status(session, language)
            if status is None:
                pdf[language] = {"generate_pdf_url": generate_pdf_url(session, language), "progress": 0}
            else:
                pdf[language] = status
        return Response(session_shapes.build_session_detail(session, pdf))


class SessionAttendeesView(ApiView):
    @extend_schema(tags=SESSIONS, summary="Who connected to the session", responses=Attendee)
    def get(self, request, room_id: str, session_id: str):
        session = access_session(request, room_id, session_id)
        return Response(session_shapes.build_attendees(session))


class SessionPdfView(ApiView):
    @extend_schema(
        tags=SESSIONS,
        summary="Make the session report PDF (poll until FINISHED)",
        parameters=[LANG_PARAMETER],
        responses=PdfStatus,
    )
    def get(self, request, room_id: str, session_id: str, lang: str):
        """Asynchronous: the first call queues the PDF (``NEW``), later calls answer ``IN PROGRESS``
        and then ``FINISHED`` with ``url``, a signed link valid for 24 hours that needs no key.
        Languages: en, pl, de, ru, es, fr, it, pt-br (``us``/``gb`` read as en); others answer 422."""
        session = access_session(request, room_id, session_id)
        language = report_pdfs.report_language(lang)
        if language is None:
            codes = ", ".join(report_pdfs.report_languages())
            raise ApiError.invalid("lang", _("Reports are made in one of: %(codes)s.") % {"codes": codes})
        return Response(report_pdfs.request_pdf(session, language))


@require_safe
def session_report_pdf_download(request, token: str):
    """The file a signed link names (no key: the signature is the permission, for 24 hours), sent
    from storage in blocks."""
    key = report_pdfs.key_for_signed(token)
    storage = private_storage()
    if key is None or not storage.exists(key):
        message = _("This report link is not valid or has expired: ask for the PDF again.")
        return JsonResponse(error_body(404, message), status=404)
    name = f"{key.rsplit('/', 2)[1]}.pdf"  # session-<id>.pdf
    stream = storage.open(key, "rb")  # closed by the response once sent
    return file_response(request, stream, content_type="application/pdf", as_attachment=True, filename=name)


# --- registrations ------------------------------------------------------------------------------

STATUSES = {"all": None, "active": RegistrantStatus.APPROVED}


def registrant_status(status: str | None):
    if status is None:
        return None
    if status not in STATUSES:
        raise ApiError.invalid("status", _("The status is all or active."))
    return STATUSES[status]


def _registrations(room: Room, registrants, session_id: int | None = None) -> list[dict]:
    labels = registration_shapes.field_labels(list(room.registration_fields.all()))
    registrants = registrants.select_related("room__account").order_by("created_at", "id")
    return [registration_shapes.build_registration(r, labels, session_id) for r in registrants]


def room_registrations(request, room_id: str, status: str | None) -> Response:
    room = access_room(request, room_id, "manage_rooms")
    approved = registrant_status(status)
    registrants = Registrant.objects.filter(room=room)
    if approved:
        registrants = registrants.filter(status=approved)
    return Response(_registrations(room, registrants))


def session_registrations(request, room_id: str, session_id: str, status: str | None) -> Response:
    """Registrants whose e-mail address (in any case) is a participant's of this session who
    connected, as the session report counts them; their ``session_id`` is this session's."""
    session = access_session(request, room_id, session_id, "manage_rooms")
    approved = registrant_status(status)
    came = Participant.objects.filter(
        session=session,
        email__iexact=OuterRef("email"),
        pk__in=Attendance.objects.values("participant_id"),
    )
    registrants = Registrant.objects.filter(Exists(came), room=session.room)
    if approved:
        registrants = registrants.filter(status=approved)
    return Response(_registrations(session.room, registrants, session.pk))


ROOM_REGISTRATIONS = "The room's registrants"
SESSION_REGISTRATIONS = "The room's registrants who connected to this session"


class RegistrationsView(ApiView):
    @extend_schema(tags=REGISTRATIONS, summary=ROOM_REGISTRATIONS, responses=Registration)
    def get(self, request, room_id: str):
        return room_registrations(request, room_id, None)


class RegistrationsByStatusView(ApiView):
    @extend_schema(
        tags=REGISTRATIONS,
        summary=ROOM_REGISTRATIONS + " (all, or active = approved)",
        parameters=[STATUS_PARAMETER],
        responses=Registration,
    )
    def get(self, request, room_id: str, status: str):
        return room_registrations(request, room_id, status)


class SessionRegistrationsView(ApiView):
    @extend_schema(tags=REGISTRATIONS, summary=SESSION_REGISTRATIONS, responses=Registration)
    def get(self, request, room_id: str, session_id: str):
        return session_registrations(request, room_id, session_id, None)


class SessionRegistrationsByStatusView(ApiView):
    @extend_schema(
        tags=REGISTRATIONS,
        summary=SESSION_REGISTRATIONS + " (all, or active = approved)",
        parameters=[STATUS_PARAMETER],
        responses=Registration,
    )
    def get(self, request, room_id: str, session_id: str, status: str):
        return session_registrations(request, room_id, session_id, status)


class SessionRegistrationsNoSlashView(ApiView):
    """``sessions<id>/registrations[/<status>]``: the spelling every official client builds (spec §2.1)."""

    @extend_schema(exclude=True)
    def get(self, request, room_id: str, session_id: str, status: str | None = None):
        return session_registrations(request, room_id, session_id, status)


class RegisterView(ApiView):
    @extend_schema(
        tags=REGISTRATIONS,
        summary="Register someone for the room; answers their personal join link",
        request=RegistrationRequest,
        responses={200: Registered, 201: Registered},
    )
    def post(self, request, room_id: str):
        """``registration[1]`` first name, ``[2]`` last name, ``[3]`` e-mail, ``[4]``… the room's questions
        in form order. ``confirmation_email[enabled]=1`` sends the confirmation (or awaiting-approval)
        e-mail in ``confirmation_email[lang]`` (or ``lang``). 201 for a new registrant, 200 with
        ``exist: 1`` for an address already registered. Registration off, closed or full → 422."""
        room = access_room(request, room_id, "manage_rooms")
        params = request.cm_params
        registration = settings_of(room)
        if not registration.enabled:
            raise ApiError.invalid(
                "registration",
                _("Registration is not enabled for this room: switch it on first (registration[enabled]=1)."),
            )
        form = registration_shapes.registration_form(room, registration, params)
        if not form.is_valid():
            raise registration_shapes.form_errors(form)
        confirmation = params.get("confirmation_email")
        confirmation = confirmation if isinstance(confirmation, dict) else {}
        send_email = as_bool(confirmation.get("enabled"), "confirmation_email[enabled]", default=False)
        language = report_pdfs.report_language(confirmation.get("lang") or params.get("lang"))
        try:
            with transaction.atomic():
                registrant, created = registration_actions.check_register_or_find(
                    room, form, language=language or registration_actions.current_language(), send_email=send_email
                )
        except RegistrationError as error:
            raise ApiError.invalid("registration", error.message) from None
        registrant.room = room
        body = {
            "status": "OK",
            "exist": 0 if created else 1,
            "url": registration_shapes.join_url(registrant),
            "r": registration_shapes.join_hash(registrant),
        }
        return Response(body, status=201 if created else 200)


# --- recordings (rostrum.recordings: its access helpers and actions, as on its pages) ---------


def room_recordings(request, room: Room):
    return recordings_of(request.membership).filter(room=room)


def recording_shape(request, recording) -> dict:
    room = recording.room
    local = recording.started_at.astimezone(zoneinfo.ZoneInfo(room.timezone))
    token = recording_actions.build_signed_token(recording)
    return {
        "id": recording.pk,
        "recording_url": request.build_absolute_uri(reverse("recording_signed", args=[token])),
        "recording_duration": round(recording.duration_seconds),
        "recorder_started": local.strftime("%Y-%m-%d %H:%M:%S"),
        "recorder_start_date": local.isoformat(timespec="seconds"),
        "recording_file_size": int(recording.size_bytes),
    }


class RecordingsView(ApiView):
    @extend_schema(
        tags=RECORDINGS,
        summary="The room's ready recordings, each with a signed link valid for 7 days",
        responses=Recording,
    )
    def get(self, request, room_id: str):
        room = access_room(request, room_id, RECORDING_VIEW)
        ready = room_recordings(request, room).filter(status=RecordingStatus.READY)
        return Response([recording_shape(request, recording) for recording in ready])

    @extend_schema(tags=RECORDINGS, summary="Delete all the room's recordings", responses={200: StatusOk})
    def delete(self, request, room_id: str):
        room = access_room(request, room_id, RECORDING_MANAGE)
        with transaction.atomic():
            for recording in list(room_recordings(request, room)):
                recording_actions.do_delete_recording(recording)
        return Response({"STATUS": "OK"})


class RecordingView(ApiView):
    @extend_schema(tags=RECORDINGS, summary="Delete one recording of the room", responses={200: StatusOk})
    def delete(self, request, room_id: str, recording_id: str):
        room = access_room(request, room_id, RECORDING_MANAGE)
        recording = access_recording_by_id(request.membership, object_id(recording_id), RECORDING_MANAGE)
        if recording.room_id != room.pk:
            raise ApiError.not_found(_("There is no such recording."))
        with transaction.atomic():
            recording_actions.do_delete_recording(recording)
        return Response({"STATUS": "OK"})


ROOM = r"conferences/(?P<room_id>\d+)"
SESSION = ROOM + r"/sessions/(?P<session_id>\d+)"
SESSION_NO_SLASH = ROOM + r"/sessions(?P<session_id>\d+)"

urlpatterns = [
    cm_path(ROOM + r"/sessions", SessionListView, name="api_sessions"),
    cm_path(SESSION, SessionDetailView, name="api_session"),
    cm_path(SESSION + r"/attendees", SessionAttendeesView, name="api_session_attendees"),
    cm_path(SESSION + r"/generate-pdf/(?P<lang>[^/.]+)", SessionPdfView, name="api_session_generate_pdf"),
    cm_path(SESSION + r"/registrations", SessionRegistrationsView, name="api_session_registrations"),
    cm_path(
        SESSION + r"/registrations/(?P<status>[^/.]+)",
        SessionRegistrationsByStatusView,
        name="api_session_registrations_by_status",
    ),
    cm_path(
        SESSION_NO_SLASH + r"/registrations", SessionRegistrationsNoSlashView, name="api_session_registrations_compat"
    ),
    cm_path(
        SESSION_NO_SLASH + r"/registrations/(?P<status>[^/.]+)",
        SessionRegistrationsNoSlashView,
        name="api_session_registrations_by_status_compat",
    ),
    cm_path(ROOM + r"/registration", RegisterView, name="api_registration"),
    cm_path(ROOM + r"/registrations", RegistrationsView, name="api_registrations"),
    cm_path(ROOM + r"/registrations/(?P<status>[^/.]+)", RegistrationsByStatusView, name="api_registrations_by_status"),
    cm_path(ROOM + r"/recordings", RecordingsView, name="api_recordings"),
    cm_path(ROOM + r"/recordings/(?P<recording_id>\d+)", RecordingView, name="api_recording"),
    path("report-pdfs/<str:token>", session_report_pdf_download, name="api_session_report_pdf_download"),
]
