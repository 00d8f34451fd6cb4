"""One error shape for the whole API, ClickMeeting's (spec §2.4):

    {"code": 422, "name": "Unprocessable Entity", "message": "...",
     "errors": [{"name": "starts_at", "message": "Start date is invalid"}]}

with the same HTTP status and ``Content-Type: application/json``, whatever went wrong.
"""

import logging
import math
from http import HTTPStatus

from django.core.exceptions import PermissionDenied as DjangoPermissionDenied
from django.core.exceptions import ValidationError as DjangoValidationError
from django.http import Http404
from django.utils.translation import gettext as _
from rest_framework import exceptions
from rest_framework.response import Response
from rest_framework.views import set_rollback

logger = logging.getLogger(__name__)


class ApiError(Exception):
    """Raise from an endpoint to answer ``status`` with the error body.

    ``errors`` names what was wrong: ``[("starts_at", "Start date is invalid")]``.
    """

    def __init__(self, status: int, message: str = "", errors: list[tuple[str, str]] | tuple = ()):
        self.status = status
        self.message = message or HTTPStatus(status).phrase
        self.errors = list(errors)
        super().__init__(self.message)

    @classmethod
    def invalid(cls, name: str, message: str) -> "ApiError":
        """422 for one bad parameter: ``raise ApiError.invalid("duration", "Use H:MM.")``."""
        return cls(422, message, [(name, message)])

    @classmethod
    def not_found(cls, message: str = "") -> "ApiError":
        return cls(404, message)


def error_body(status: int, message: str = "", errors: list[tuple[str, str]] = ()) -> dict:
    return {
        "code": status,
        "name": HTTPStatus(status).phrase,
        "message": message or HTTPStatus(status).phrase,
        "errors": [{"name": name, "message": str(text)} for name, text in errors],
    }


def _flatten(detail, prefix: str = "") -> list[tuple[str, str]]:
    """DRF's nested validation details as ``[("settings[lobby_enabled]", "...")]`` pairs."""
    if isinstance(detail, dict):
        pairs = []
        for key, value in detail.items():
            name = f"{prefix}[{key}]" if prefix else ("" if key == "non_field_errors" else str(key))
            pairs += _flatten(value, name)
        return pairs
    if isinstance(detail, list):
        pairs = []
        for index, value in enumerate(detail):
            nested = isinstance(value, dict | list)
            pairs += _flatten(value, f"{prefix}[{index}]" if nested else prefix)
        return pairs
    return [(prefix, str(detail))]


def _describe(exc) -> tuple[int, str, list[tuple[str, str]]]:
    if isinstance(exc, ApiError):
        return exc.status, exc.message, exc.errors
    if isinstance(exc, exceptions.NotAuthenticated):
        return 401, _("Missing API key: send it in the X-Api-Key header."), []
    if isinstance(exc, Http404 | exceptions.NotFound):
        return 404, "", []
    if isinstance(exc, DjangoPermissionDenied | exceptions.PermissionDenied):
        message = str(exc.detail) if isinstance(exc, exceptions.PermissionDenied) else ""
        return 403, message, []
    if isinstance(exc, DjangoValidationError):
        errors = _flatten(exc.message_dict) if hasattr(exc, "error_dict") else _flatten(exc.messages)
        return 422, errors[0][1] if errors else "", errors
    if isinstance(exc, exceptions.ValidationError):
        errors = _flatten(exc.detail)
        return 422, errors[0][1] if errors else "", errors
    if isinstance(exc, exceptions.APIException):
        return exc.status_code, str(exc.detail) if not isinstance(exc.detail, dict | list) else "", []
    return 500, "", []


def exception_handler(exc, context) -> Response:
    """DRF's ``EXCEPTION_HANDLER``: every failure as the ClickMeeting error body."""
    status, message, errors = _describe(exc)
    if status >= 500:
        request = context.get("request")
        logger.error("API error on %s", getattr(request, "path", "?"), exc_info=exc)
    response = Response(error_body(status, message, errors), status=status)
    if isinstance(exc, exceptions.Throttled) and exc.wait is not None:
        response["Retry-After"] = str(max(1, math.ceil(exc.wait)))
    if getattr(exc, "auth_header", None):
        response["WWW-Authenticate"] = exc.auth_header
    set_rollback()
    return response
