from django.urls import path

from rostrum.engagement import views

urlpatterns = [
    path(
        "live/presentations/<int:presentation_id>/pages/<int:number>/",
        views.presentation_page,
        name="presentation_page",
    ),
    path(
        "live/presentations/<int:presentation_id>/download/",
        views.presentation_download,
        name="presentation_download",
    ),
]
