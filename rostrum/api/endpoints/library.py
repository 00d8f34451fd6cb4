"""The file library (spec §3.6) through ``rostrum.library``: list, upload (field ``uploaded``), one
file, its bytes, delete. Listing and downloading need ``view_rooms``; changing, ``manage_rooms``.
Another account's file or room answers 404; a refused upload 422 with the library's message."""

import zoneinfo

from django.db import transaction
from django.utils.translation import gettext as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiResponse, extend_schema, inline_serializer
from rest_framework import serializers
from rest_framework.response import Response

from rostrum.api.endpoints.sessions import access_room, object_id
from rostrum.api.errors import ApiError
from rostrum.api.session_shapes import api_url
from rostrum.api.views import ApiView, cm_path, require_api_permission
from rostrum.library import actions
from rostrum.library.access import access_file_by_id, files_of
from rostrum.library.constants import MANAGE_PERMISSION, VIEW_PERMISSION
from rostrum.library.downloads import file_response
from rostrum.library.errors import LibraryError
from rostrum.library.models import LibraryFile

TAGS = ["File library"]
UPLOAD_FIELD = "uploaded"


class LibraryFileSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    name = serializers.CharField()
    document_type = serializers.CharField(help_text="presentation_pdf, document_docx, image, video, audio, …")
    conversion_progress = serializers.IntegerField(min_value=0, max_value=100)
    upload_date = serializers.CharField(help_text="Y-m-d H:i:s in the account's time zone")
    status = serializers.CharField(help_text="uploaded, waiting_for_conversion, converting, converted, failed")
    status_message = serializers.CharField(allow_blank=True)
    url = serializers.URLField(help_text="GET it with the key: the file's bytes")

    class Meta:
        ref_name = "LibraryFile"


class RoomLibraryFileSerializer(LibraryFileSerializer):
    created_at = serializers.CharField(help_text="ISO 8601")

    class Meta:
        ref_name = "RoomLibraryFile"


Upload = inline_serializer("LibraryUpload", {UPLOAD_FIELD: serializers.FileField()})
Deleted = inline_serializer("LibraryFileDeleted", {"result": serializers.CharField(default="OK")})


def build_file(library_file: LibraryFile, with_created_at: bool = False) -> dict:
    zone = zoneinfo.ZoneInfo(library_file.account.timezone)
    uploaded = library_file.created_at.astimezone(zone)
    shape = {
        "id": library_file.pk,
        "name": library_file.name,
        "document_type": library_file.document_type,
        "conversion_progress": library_file.conversion_progress,
        "upload_date": uploaded.strftime("%Y-%m-%d %H:%M:%S"),
        "status": library_file.status,
        "status_message": library_file.status_message,
        "url": api_url(f"file-library/{library_file.pk}/download"),
    }
    if with_created_at:
        shape["created_at"] = uploaded.isoformat(timespec="seconds")
    return shape


def upload(request, room=None) -> Response:
    membership = require_api_permission(request, MANAGE_PERMISSION)
    uploaded = request.cm_files.get(UPLOAD_FIELD)
    if uploaded is None:
        raise ApiError.invalid(UPLOAD_FIELD, _("Send the file as a multipart field named “uploaded”."))
    try:
        with transaction.atomic():
            library_file = actions.check_upload_file(membership, uploaded, room=room)
    except LibraryError as error:
        raise ApiError.invalid(UPLOAD_FIELD, error.message) from None
    return Response(build_file(library_file, with_created_at=room is not None), status=201)


class LibraryView(ApiView):
    @extend_schema(tags=TAGS, summary="The account's files, newest first", responses=LibraryFileSerializer(many=True))
    def get(self, request):
        membership = require_api_permission(request, VIEW_PERMISSION)
        files = files_of(membership).select_related("account")
        return Response([build_file(f) for f in files])

    @extend_schema(
        tags=TAGS,
        summary="Upload a file (multipart field `uploaded`)",
        request={"multipart/form-data": Upload},
        responses={201: LibraryFileSerializer},
    )
    def post(self, request):
        return upload(request)


class RoomLibraryView(ApiView):
    @extend_schema(tags=TAGS, summary="The files attached to a room", responses=RoomLibraryFileSerializer(many=True))
    def get(self, request, room_id: str):
        room = access_room(request, room_id, VIEW_PERMISSION)
        files = files_of(request.membership, room=room).select_related("account")
        return Response([build_file(f, with_created_at=True) for f in files])

    @extend_schema(
        tags=TAGS,
        summary="Upload a file attached to a room (multipart field `uploaded`)",
        request={"multipart/form-data": Upload},
        responses={201: RoomLibraryFileSerializer},
    )
    def post(self, request, room_id: str):
        return upload(request, room=access_room(request, room_id, MANAGE_PERMISSION))


class LibraryFileView(ApiView):
    @extend_schema(tags=TAGS, summary="One file", responses=LibraryFileSerializer)
    def get(self, request, file_id: str):
        membership = require_api_permission(request, VIEW_PERMISSION)
        return Response(build_file(access_file_by_id(membership, object_id(file_id))))

    @extend_schema(tags=TAGS, summary="Delete a file", responses={200: Deleted})
    def delete(self, request, file_id: str):
        membership = require_api_permission(request, MANAGE_PERMISSION)
        library_file = access_file_by_id(membership, object_id(file_id), MANAGE_PERMISSION)
        with transaction.atomic():
            actions.check_delete_file(membership, library_file)
        return Response({"result": "OK"})


class LibraryFileDownloadView(ApiView):
    @extend_schema(
        tags=TAGS,
        summary="The file's bytes (not JSON)",
        responses={(200, "application/octet-stream"): OpenApiResponse(OpenApiTypes.BINARY, description="The file")},
    )
    def get(self, request, file_id: str):
        membership = require_api_permission(request, VIEW_PERMISSION)
        return file_response(request, access_file_by_id(membership, object_id(file_id)))


urlpatterns = [
    cm_path(r"file-library", LibraryView, name="api_library"),
    cm_path(r"file-library/conferences/(?P<room_id>\d+)", RoomLibraryView, name="api_library_room"),
    cm_path(r"file-library/(?P<file_id>\d+)", LibraryFileView, name="api_library_file"),
    cm_path(r"file-library/(?P<file_id>\d+)/download", LibraryFileDownloadView, name="api_library_file_download"),
]
