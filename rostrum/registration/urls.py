from django.urls import path

from rostrum.registration import public_views, views

ROOM = "rooms/<int:room_id>/registration/"
PUBLIC = "r/<slug:account_slug>/<slug:room_slug>/"

urlpatterns = [
    path(ROOM, views.registration_settings, name="registration_settings"),
    path(f"{ROOM}questions/new/", views.field_add, name="registration_field_add"),
    path(f"{ROOM}questions/<int:field_id>/", views.field_edit, name="registration_field_edit"),
    path(f"{ROOM}questions/<int:field_id>/delete/", views.field_delete, name="registration_field_delete"),
    path(f"{ROOM}questions/<int:field_id>/move/", views.field_move, name="registration_field_move"),
    path(f"{ROOM}registrants/", views.registrant_list, name="registrant_list"),
    path(f"{ROOM}registrants.csv", views.registrants_csv, name="registrants_csv"),
    path(f"{ROOM}registrants/<int:registrant_id>/approve/", views.registrant_approve, name="registrant_approve"),
    path(f"{ROOM}registrants/<int:registrant_id>/reject/", views.registrant_reject, name="registrant_reject"),
    path(f"{ROOM}registrants/<int:registrant_id>/remove/", views.registrant_remove, name="registrant_remove"),
    path(f"{PUBLIC}register/", public_views.register, name="registration_register"),
    path(f"{PUBLIC}register/done/", public_views.register_done, name="registration_done"),
    path(f"{PUBLIC}registrant/<str:token>/", public_views.join, name="registration_join"),
]
