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
    path("library/<int:file_id>/status.json", views.library_file_status, name="library_file_status"),
    path("library/<int:file_id>/pages/", views.library_file_pages, name="library_file_pages"),
    path("library/<int:file_id>/pages/<int:number>.jpg", views.library_page_image, name="library_page_image"),
    path("library/<int:file_id>/converted/", views.library_file_converted, name="library_file_converted"),
]
