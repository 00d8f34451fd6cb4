"""The real URLs plus /api/v1/echo, which answers with the parameters it decoded."""

from django.urls import include, path, re_path
from rest_framework.response import Response

from rostrum.api.views import ApiView, cm_path


class EchoView(ApiView):
    def _echo(self, request, **kwargs):
        files = {name: upload.read().decode() for name, upload in request.cm_files.items()}
        return Response({"params": request.cm_params, "files": files, "kwargs": kwargs})

    get = post = put = delete = _echo


urlpatterns = [
    re_path(r"^api/v1/", include([cm_path(r"echo", EchoView, name="api_echo"),
                                  cm_path(r"echo/(?P<room_id>\d+)", EchoView, name="api_echo_room")])),
    path("", include("rostrum.urls")),
]  # fmt: skip
