"""API keys: ``X-Api-Key`` header, else ``api_key`` in the query string or form body (spec §2.2)."""

from django.utils.translation import gettext as _
from rest_framework.authentication import BaseAuthentication
from rest_framework.exceptions import AuthenticationFailed
from rest_framework.permissions import BasePermission

from rostrum.accounts.access import has_permission
from rostrum.accounts.actions import find_api_key, touch_api_key
from rostrum.accounts.models import ApiKey
from rostrum.billing.entitlements import has_feature

HEADER = "HTTP_X_API_KEY"  # WSGI spelling of X-Api-Key; header names are case-insensitive


def presented_key(request) -> str:
    header = request.META.get(HEADER, "").strip()
    if header:
        return header
    value = getattr(request, "cm_params", {}).get("api_key")
    return value.strip() if isinstance(value, str) else ""


class ApiKeyAuthentication(BaseAuthentication):
    """``request.user`` is the key's user, ``request.auth`` the ``ApiKey`` (``request.auth.membership``)."""

    def authenticate(self, request):
        secret = presented_key(request)
        if not secret:
            return None  # HasApiKey answers 401 "missing key"
        key = find_api_key(secret)
        if key is None or not key.membership.user.is_active:
            raise AuthenticationFailed(_("Invalid or revoked API key."))
        if not has_permission(key.membership, "use_api"):
            raise AuthenticationFailed(_("The key's member no longer has a role that may use the API."))
        if not has_feature(key.membership.account, "api"):
            raise AuthenticationFailed(_("The account's plan does not include the API."))
        touch_api_key(key)
        return key.membership.user, key

    def authenticate_header(self, request) -> str:
        # Without one, DRF would turn 401 into 403.
        return 'ApiKey header="X-Api-Key"'


class HasApiKey(BasePermission):
    """Every endpoint needs a key; without one DRF raises NotAuthenticated (401)."""

    def has_permission(self, request, view) -> bool:
        return isinstance(request.auth, ApiKey)
