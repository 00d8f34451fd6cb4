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
    path("live/sessions/<int:session_id>/chat-files/", views.chat_file_upload, name="chat_file_upload"),
    path("live/chat-files/<int:attachment_id>/", views.chat_file_download, name="chat_file_download"),
]
