from django.urls import path

from rostrum.recordings import views

urlpatterns = [
    path("recordings/", views.recording_list, name="recording_list"),
    path("recordings/<int:recording_id>/", views.recording_detail, name="recording_detail"),
    path("recordings/<int:recording_id>/media/", views.recording_media, name="recording_media"),
    path("recordings/<int:recording_id>/download/", views.recording_download, name="recording_download"),
    path("recordings/<int:recording_id>/share/", views.recording_share, name="recording_share"),
    path("recordings/<int:recording_id>/signed-link/", views.recording_signed_link, name="recording_signed_link"),
    path("recordings/<int:recording_id>/delete/", views.recording_delete, name="recording_delete"),
    path("recordings/s/<str:token>/", views.recording_public, name="recording_public"),
    path("recordings/s/<str:token>/media/", views.recording_public_media, name="recording_public_media"),
    path("recordings/l/<str:token>/", views.recording_signed, name="recording_signed"),
    path("recordings/l/<str:token>/media/", views.recording_signed_media, name="recording_signed_media"),
    path("rooms/<int:room_id>/recording/", views.room_recording_settings, name="room_recording_settings"),
]
