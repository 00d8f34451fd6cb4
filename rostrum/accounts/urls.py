from django.urls import path

from rostrum.accounts import views

urlpatterns = [
    path("dashboard/", views.dashboard, name="dashboard"),
    path("account/", views.account_details, name="account_details"),
    path("account/switch/", views.switch_account, name="switch_account"),
    path("account/team/", views.team, name="team"),
    path("account/team/<int:member_id>/role/", views.change_member_role, name="change_member_role"),
    path("account/team/<int:member_id>/remove/", views.remove_member, name="remove_member"),
    path("account/team/invitations/<int:invitation_id>/revoke/", views.revoke_invitation, name="revoke_invitation"),
    path("account/api-keys/", views.api_keys, name="api_keys"),
    path("account/api-keys/new/", views.create_api_key, name="create_api_key"),
    path("account/api-keys/<int:key_id>/revoke/", views.revoke_api_key, name="revoke_api_key"),
    path("invitations/<str:token>/", views.accept_invitation, name="accept_invitation"),
]
