from functools import wraps

from django.contrib.auth.views import redirect_to_login

from rostrum.accounts.access import require_permission


def account_permission_required(permission: str):
    """Login required, then the current membership must carry ``permission``.

    The view receives the membership as ``request.membership`` (set by the middleware).
    """

    def decorator(view):
        @wraps(view)
        def wrapper(request, *args, **kwargs):
            if not request.user.is_authenticated:
                return redirect_to_login(request.get_full_path())
            require_permission(request.membership, permission)
            return view(request, *args, **kwargs)

        return wrapper

    return decorator
