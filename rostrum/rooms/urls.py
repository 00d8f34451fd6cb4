from django.urls import path

from rostrum.rooms import views

urlpatterns = [
    path("rooms/", views.room_list, name="room_list"),
    path("rooms/new/", views.room_create, name="room_create"),
    path("rooms/<int:room_id>/", views.room_detail, name="room_detail"),
    path("rooms/<int:room_id>/edit/", views.room_edit, name="room_edit"),
    path("rooms/<int:room_id>/delete/", views.room_delete, name="room_delete"),
    path("rooms/<int:room_id>/tokens/", views.room_generate_tokens, name="room_generate_tokens"),
    path("rooms/<int:room_id>/tokens.csv", views.room_tokens_csv, name="room_tokens_csv"),
    path("join/", views.join, name="join"),
    path("r/<slug:account_slug>/<slug:room_slug>/", views.room_enter, name="room_enter"),
    path("r/<slug:account_slug>/<slug:room_slug>/lobby/", views.room_lobby, name="room_lobby"),
    path("r/<slug:account_slug>/<slug:room_slug>/present/<str:token>/", views.room_present, name="room_present"),
    path("p/<slug:account_slug>/", views.public_profile, name="public_profile"),
]
