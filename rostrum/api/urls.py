"""/api/v1/... (ClickMeeting-compatible) and the developer page. Each endpoint module is listed here."""

from django.urls import include, path, re_path
from drf_spectacular.views import SpectacularJSONAPIView

from rostrum.api import docs
from rostrum.api.endpoints import account, chats, conferences, contacts, library, sessions
from rostrum.api.views import UnknownRoute

ENDPOINT_MODULES = [account, conferences, sessions, library, contacts, chats]

urlpatterns = [
    path("api/v1/openapi.json", SpectacularJSONAPIView.as_view(), name="api_schema"),
    *[re_path(r"^api/v1/", include(module.urlpatterns)) for module in ENDPOINT_MODULES],
    re_path(r"^api/", UnknownRoute.as_view(), name="api_unknown_route"),
    path("developers/api/", docs.developers, name="developers_api"),
]
