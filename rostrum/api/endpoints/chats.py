"""Chat archives (spec §3.7): the account's sessions that had a chat, and each one's transcript as a ZIP.

The ZIP holds ``room-<number>-session-<id>-chat.csv`` (the session report's chat table) and a ``.txt``
transcript of the same messages: private messages between two attendees are left out, as in reports.
Files posted in the chat are in it too, as ``files/<id>-<name>``, which the transcript names. The
archive is written to a temporary file and sent from there in blocks, never held whole in memory.
"""

from django.db.models import Exists, OuterRef
from django.shortcuts import get_object_or_404
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiResponse, extend_schema, inline_serializer
from rest_framework import serializers
from rest_framework.response import Response

from rostrum.api import session_shapes
from rostrum.api.endpoints.sessions import object_id
from rostrum.api.views import ApiView, cm_path, require_api_permission
from rostrum.core.streaming import file_response
from rostrum.engagement.models import ChatMessage
from rostrum.rooms.models import Session

TAGS = ["Chats"]

Chat = inline_serializer(
    "Chat",
    {
        "id": serializers.IntegerField(help_text="The session's id"),
        "name": serializers.CharField(help_text="The room's name"),
        "time_zone": serializers.CharField(),
        "timezone": serializers.CharField(),
        "date": serializers.CharField(help_text="Y-m-d, the session's start in the room's zone"),
        "time": serializers.CharField(help_text="H:i:s"),
        "download_link": serializers.URLField(),
    },
    many=True,
)


def sessions_with_chat(membership):
    had_chat = ChatMessage.objects.filter(session=OuterRef("pk"))
    return Session.objects.filter(Exists(had_chat), room__account=membership.account).select_related("room__account")


class ChatListView(ApiView):
    @extend_schema(tags=TAGS, summary="Sessions of the account that had a chat, newest first", responses=Chat)
    def get(self, request):
        membership = require_api_permission(request, "view_reports")
        return Response(
            [
                session_shapes.build_chat_entry(session, session_shapes.api_url(f"chats/{session.pk}"))
                for session in sessions_with_chat(membership).order_by("-created_at", "-id")
            ]
        )


class ChatView(ApiView):
    @extend_schema(
        tags=TAGS,
        summary="A session's chat as a ZIP archive (CSV and text transcript)",
        responses={(200, "application/zip"): OpenApiResponse(OpenApiTypes.BINARY, description="ZIP archive")},
    )
    def get(self, request, session_id: str):
        membership = require_api_permission(request, "view_reports")
        session = get_object_or_404(
            Session.objects.select_related("room__account"), room__account=membership.account, pk=object_id(session_id)
        )
        archive = session_shapes.build_chat_zip(session)  # closed, and so deleted, once sent
        return file_response(
            request,
            archive,
            content_type="application/zip",
            as_attachment=True,
            filename=f"{session_shapes.chat_file_name(session)}.zip",
        )


urlpatterns = [
    cm_path(r"chats", ChatListView, name="api_chats"),
    cm_path(r"chats/(?P<session_id>\d+)", ChatView, name="api_chat"),
]
