from django.urls import path

from rostrum.reports import views

SESSION = "rooms/<int:room_id>/sessions/<int:session_id>/"

urlpatterns = [
    path(SESSION, views.session_detail, name="room_session_detail"),
    path(SESSION + "chat.csv", views.session_chat_csv, name="room_session_chat_csv"),
    path(SESSION + "chat-files/<int:attachment_id>/", views.session_chat_file, name="room_session_chat_file"),
    path(SESSION + "report.zip", views.session_report_zip, name="room_session_report_zip"),
    path(SESSION + "report.csv", views.session_report_csv, name="room_session_report_csv"),
    path(SESSION + "report.xlsx", views.session_report_xlsx, name="room_session_report_xlsx"),
    path(SESSION + "report.pdf", views.session_report_pdf, name="room_session_report_pdf"),
]
