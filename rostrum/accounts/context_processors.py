from rostrum.accounts.access import has_permission


def current_account(request):
    membership = getattr(request, "membership", None)
    return {
        "current_membership": membership,
        "current_account": membership.account if membership else None,
        "can_manage_account": has_permission(membership, "manage_account"),
        "can_manage_team": has_permission(membership, "manage_team"),
        "can_manage_rooms": has_permission(membership, "manage_rooms"),
        "can_use_api": has_permission(membership, "use_api"),
    }
