from django.conf import settings
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import redirect, render
from django.utils.translation import check_for_language
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_POST
from django.views.i18n import set_language as django_set_language

from rostrum.core.health import run_checks

NON_CRITICAL = {"media"}


def home(request: HttpRequest) -> HttpResponse:
    if request.user.is_authenticated:
        return redirect("dashboard")
    return render(request, "core/home.html")


@never_cache
def healthz(request: HttpRequest) -> JsonResponse:
    """200 "ok"; 200 "degraded" when only media nodes are down (pages, chat, polls still work, so a
    load balancer keeps the process); 503 "failing" when the database, channel layer or queue is."""
    checks = run_checks()
    failing = {name for name, check in checks.items() if not check["ok"]}
    if failing - NON_CRITICAL:
        return JsonResponse({"status": "failing", "checks": checks}, status=503)
    return JsonResponse({"status": "degraded" if failing else "ok", "checks": checks})


def rate_limited(request: HttpRequest, exception=None) -> HttpResponse:
    response = render(
        request,
        "core/rate_limited.html",
        {"message": _("Too many attempts. Please wait a minute and try again.")},
        status=429,
    )
    response["Retry-After"] = "60"
    return response


@require_POST
def set_language(request: HttpRequest) -> HttpResponse:
    """Django's set_language (cookie), and the choice saved on the user when logged in."""
    language = request.POST.get("language", "")
    if request.user.is_authenticated and language in dict(settings.LANGUAGES) and check_for_language(language):
        request.user.language = language
        request.user.save(update_fields=["language"])
    return django_set_language(request)
