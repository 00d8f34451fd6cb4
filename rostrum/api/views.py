"""The base of every endpoint, the route helper, and the two views that are not endpoints."""

import re

from django.urls import re_path
from django.utils.translation import gettext as _
from rest_framework.views import APIView

from rostrum.accounts.access import has_permission
from rostrum.accounts.models import Membership
from rostrum.api.errors import ApiError
from rostrum.api.params import collect_params

FORMATS = ("json", "xml", "js", "php", "printr")
_FORMAT_SUFFIX = re.compile(rf"\.({'|'.join(FORMATS)})/?$")
URL_SUFFIX = rf"(?:\.(?:{'|'.join(FORMATS)}))?/?$"


def cm_path(route: str, view, name: str, kwargs: dict | None = None):
    """A route under /api/v1/ as ClickMeeting's clients spell it.

    ``route`` is a regex without ``^``/``$``: ``cm_path(r"conferences/(?P<room_id>\\d+)", View, name=...)``.
    An optional ``.json`` suffix and an optional trailing slash are accepted. Named groups reach
    the handler as keyword arguments; keep the last group from matching dots (``[^/.]+``, ``\\d+``).
    """
    if isinstance(view, type):
        view = view.as_view()
    return re_path(rf"^{route}{URL_SUFFIX}", view, kwargs, name=name)


class ApiView(APIView):
    """Base class of every API endpoint.

    Before the handler runs: the format suffix is checked, ``request.cm_params`` (merged, decoded
    parameters) and ``request.cm_files`` are set, the key is authenticated (401 otherwise), the
    per-key rate limit applied, and ``request.membership`` is the key's member (its account is
    ``request.membership.account``; check permissions with ``require_api_permission``).
    """

    def initial(self, request, *args, **kwargs):
        suffix = _FORMAT_SUFFIX.search(request.path)
        if suffix and suffix.group(1) != "json":
            raise ApiError(
                400,
                _("This server answers in JSON only: use the .json suffix or none (asked for .%(format)s).")
                % {"format": suffix.group(1)},
            )
        request.cm_params, request.cm_files = collect_params(request)
        super().initial(request, *args, **kwargs)
        request.membership = request.auth.membership


def require_api_permission(request, permission: str) -> Membership:
    """The key's member, if their role carries ``permission`` (``rostrum.accounts.constants``); else 403."""
    if not has_permission(request.membership, permission):
        raise ApiError(403, _("Your role in this account does not allow this."))
    return request.membership


class UnknownRoute(APIView):
    """Anything under /api/ that no endpoint matches: 404 in the API's error shape, key or not."""

    authentication_classes: list = []
    permission_classes: list = []
    throttle_classes: list = []

    def initial(self, request, *args, **kwargs):
        raise ApiError(404, _("There is no such API endpoint: %(path)s") % {"path": request.path})
