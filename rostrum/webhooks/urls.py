from django.urls import path

from rostrum.webhooks import views

urlpatterns = [
    path("account/webhooks/", views.webhook_list, name="webhook_list"),
    path("account/webhooks/new/", views.webhook_create, name="webhook_create"),
    path("account/webhooks/<int:webhook_id>/", views.webhook_detail, name="webhook_detail"),
    path("account/webhooks/<int:webhook_id>/edit/", views.webhook_edit, name="webhook_edit"),
    path("account/webhooks/<int:webhook_id>/active/", views.webhook_set_active, name="webhook_set_active"),
    path("account/webhooks/<int:webhook_id>/secret/", views.webhook_rotate_secret, name="webhook_rotate_secret"),
    path("account/webhooks/<int:webhook_id>/delete/", views.webhook_delete, name="webhook_delete"),
    path("account/webhooks/<int:webhook_id>/ping/", views.webhook_ping, name="webhook_ping"),
    path(
        "account/webhooks/<int:webhook_id>/deliveries/<int:delivery_id>/",
        views.delivery_detail,
        name="webhook_delivery_detail",
    ),
    path(
        "account/webhooks/<int:webhook_id>/deliveries/<int:delivery_id>/retry/",
        views.delivery_retry,
        name="webhook_delivery_retry",
    ),
]
