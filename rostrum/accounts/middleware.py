from rostrum.accounts.models import Membership

SESSION_KEY = "rostrum_account_id"


class CurrentAccountMiddleware:
    """Sets ``request.membership``: the logged-in user's place in the account they work in.

    The account chosen last is kept in the session; otherwise the first one they belong to.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        request.membership = None
        if request.user.is_authenticated:
            memberships = Membership.objects.filter(user=request.user).select_related("account")
            chosen = request.session.get(SESSION_KEY)
            request.membership = (memberships.filter(account_id=chosen).first() if chosen else None) or (
                memberships.first()
            )
        return self.get_response(request)
