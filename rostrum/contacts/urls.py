from django.urls import path

from rostrum.contacts import import_views, invitation_views, views

urlpatterns = [
    path("contacts/", views.contact_list, name="contact_list"),
    path("contacts/new/", views.contact_create, name="contact_create"),
    path("contacts/bulk/", views.contact_bulk, name="contact_bulk"),
    path("contacts/export.csv", views.contact_export, name="contact_export"),
    path("contacts/<int:contact_id>/", views.contact_edit, name="contact_edit"),
    path("contacts/<int:contact_id>/delete/", views.contact_delete, name="contact_delete"),
    path("contacts/lists/", views.list_index, name="contact_lists"),
    path("contacts/lists/<int:list_id>/", views.list_edit, name="contact_list_edit"),
    path("contacts/lists/<int:list_id>/delete/", views.list_delete, name="contact_list_delete"),
    path("contacts/import/", import_views.import_upload, name="contact_import"),
    path("contacts/import/<int:import_id>/", import_views.import_preview, name="contact_import_preview"),
    path("contacts/import/<int:import_id>/progress/", import_views.import_progress, name="contact_import_progress"),
    path("contacts/import/<int:import_id>/status.json", import_views.import_status, name="contact_import_status"),
    path("contacts/import/<int:import_id>/errors.csv", import_views.import_error_report, name="contact_import_errors"),
    path("contacts/import/<int:import_id>/delete/", import_views.import_delete, name="contact_import_delete"),
    path("rooms/<int:room_id>/invite/", invitation_views.room_invite, name="room_invite"),
    path("unsubscribe/<str:token>/", invitation_views.unsubscribe, name="contacts_unsubscribe"),
]
