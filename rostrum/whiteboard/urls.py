from django.urls import path

from rostrum.whiteboard import views

SESSION = "rooms/<int:room_id>/sessions/<int:session_id>/"

urlpatterns = [
    path(SESSION + "whiteboard.png", views.whiteboard_png, name="whiteboard_png"),
    path(SESSION + "whiteboard.pdf", views.whiteboard_pdf, name="whiteboard_pdf"),
    path("live/whiteboards/<int:board_id>/board.png", views.whiteboard_image, name="whiteboard_image"),
]
