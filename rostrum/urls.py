from django.conf import settings
from django.contrib import admin
from django.urls import include, path, re_path
from django.views.static import serve

from rostrum.core import views as core_views

urlpatterns = [
    path("", core_views.home, name="home"),
    path("healthz", core_views.healthz, name="healthz"),
    path("i18n/setlang/", core_views.set_language, name="set_language"),
    path("admin/", admin.site.urls),
    path("accounts/", include("allauth.urls")),
    path("", include("rostrum.accounts.urls")),
    path("", include("rostrum.rooms.urls")),
    path("", include("rostrum.engagement.urls")),
    path("", include("rostrum.videoshare.urls")),
    path("", include("rostrum.whiteboard.urls")),
    path("", include("rostrum.contacts.urls")),
    path("", include("rostrum.library.urls")),
    path("", include("rostrum.recordings.urls")),
    path("", include("rostrum.reports.urls")),
    path("", include("rostrum.registration.urls")),
    path("", include("rostrum.notifications.urls")),
    path("", include("rostrum.api.urls")),
    path("", include("rostrum.webhooks.urls")),
]

if settings.MEDIA_ROOT and settings.STORAGES["default"]["BACKEND"].endswith("FileSystemStorage"):
    # Local files on the embedded default; a scaled install serves media from object storage.
    urlpatterns.append(re_path(r"^media/(?P<path>.*)$", serve, {"document_root": settings.MEDIA_ROOT}))
