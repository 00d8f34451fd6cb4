from django.urls import path

from rostrum.notifications import views

urlpatterns = [
    path("staff/outbox/", views.outbox_list, name="outbox_list"),
    path("staff/outbox/<int:message_id>/", views.outbox_detail, name="outbox_detail"),
]
