"""The OpenAPI description (drf-spectacular): our key scheme, the error body, clean paths.

Endpoint authors declare each handler's responses with ``@extend_schema`` (see docs/api.md);
the error responses (400, 401, 403, 404, 422, 429) are added to every operation here.
"""

import inspect
import re

from drf_spectacular.extensions import OpenApiAuthenticationExtension
from drf_spectacular.openapi import AutoSchema
from rest_framework import serializers

from rostrum.api.views import URL_SUFFIX

ERROR_STATUSES = (400, 401, 403, 404, 422, 429)
STRING_LIST = {"type": "array", "items": {"type": "string"}}  # raw schema for bare lists of names


class ErrorItemSerializer(serializers.Serializer):
    name = serializers.CharField()
    message = serializers.CharField()


class ErrorSerializer(serializers.Serializer):
    """ClickMeeting's error body; ``code`` repeats the HTTP status as an integer."""

    code = serializers.IntegerField()
    name = serializers.CharField()
    message = serializers.CharField()
    errors = ErrorItemSerializer(many=True)

    class Meta:
        ref_name = "Error"


class ApiKeyScheme(OpenApiAuthenticationExtension):
    target_class = "rostrum.api.authentication.ApiKeyAuthentication"
    name = "ApiKey"

    def get_security_definition(self, auto_schema):
        return {
            "type": "apiKey",
            "in": "header",
            "name": "X-Api-Key",
            "description": "An API key from Account → API keys. The legacy `api_key` query or form "
            "parameter is accepted too; the header wins.",
        }


class RostrumAutoSchema(AutoSchema):
    def get_description(self) -> str:
        """The handler's docstring, else the view class's own (never ApiView's)."""
        handler = getattr(self.view, self.method.lower(), None)
        text = getattr(handler, "__doc__", None) or vars(type(self.view)).get("__doc__")
        return inspect.cleandoc(text) if text else ""

    def get_operation_id(self) -> str:
        """``get_time_zone_list_country``: the method and the path, unique by construction."""
        path = self.path.removeprefix("/api/v1/").strip("/")
        return re.sub(r"\W+", "_", f"{self.method.lower()}_{path}").strip("_")

    def _get_response_bodies(self, direction="response"):
        responses = super()._get_response_bodies(direction)
        if self.view.authentication_classes:  # the endpoints, not the schema itself
            for status in ERROR_STATUSES:
                responses.setdefault(str(status), self._get_response_for_code(ErrorSerializer, str(status)))
        return responses


def strip_url_suffix(endpoints, **kwargs):
    """Preprocessing hook: document ``/api/v1/ping``, not the regex's optional suffix and slash."""
    cleaned = []
    for path, path_regex, method, callback in endpoints:
        for leftover in (URL_SUFFIX.rstrip("$"), URL_SUFFIX.rstrip("$").replace("\\.", ".")):
            path = path.replace(leftover, "")
        path = path.rstrip("/")  # the regex's optional slash
        cleaned.append((path, path_regex, method, callback))
    return cleaned
