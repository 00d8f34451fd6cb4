from django.conf import settings
from rest_framework.throttling import SimpleRateThrottle

from rostrum.accounts.models import ApiKey


class ApiKeyRateThrottle(SimpleRateThrottle):
    """Requests per key, at ``settings.ROSTRUM_API_RATE`` (``"300/min"``): 429 with Retry-After beyond."""

    scope = "api_key"

    def get_rate(self) -> str:
        return settings.ROSTRUM_API_RATE

    def get_cache_key(self, request, view) -> str | None:
        if not isinstance(request.auth, ApiKey):
            return None
        return f"throttle_api_key_{request.auth.pk}"
