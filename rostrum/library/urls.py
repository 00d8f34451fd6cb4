from django.urls import path

from rostrum.library import views

urlpatterns = [
    path("library/", views.library_list, name="library_list"),
    path("library/upload/", views.library_upload, name="library_upload"),
    path("library/formats/", views.library_help, name="library_help"),
    path("library/<int:file_id>/download/", views.library_file_download, name="library_file_download"),
    path("library/<int:file_id>/rename/", views.library_file_rename, name="library_file_rename"),
    path("library/<int:file_id>/room/", views.library_file_attach, name="library_file_attach"),
    path("library/<int:file_id>/delete/", views.library_file_delete, name="library_file_delete"),
]
