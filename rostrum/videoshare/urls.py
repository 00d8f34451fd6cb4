from django.urls import path

from rostrum.videoshare import views

urlpatterns = [
    path("live/videos/<int:video_id>/file/", views.shared_video_file, name="shared_video_file"),
]
