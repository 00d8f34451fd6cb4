from django.urls import path

from rostrum.notifications import views

urlpatterns = [
    path("staff/outbox/", views.outbox_list, name="outbox_list"),
    path("staff/outbox/email/<int:email_id>/", views.outgoing_detail, name="outgoing_detail"),
    path("staff/outbox/email/<int:email_id>/resend/", views.outgoing_resend, name="outgoing_resend"),
    path("staff/outbox/mailbox/", views.mailbox_list, name="mailbox_list"),
    path("staff/outbox/<int:message_id>/", views.outbox_detail, name="outbox_detail"),
    path("staff/outbox/suppressions/", views.suppression_list, name="suppression_list"),
    path("staff/outbox/suppressions/<int:suppression_id>/lift/", views.suppression_lift, name="suppression_lift"),
]
