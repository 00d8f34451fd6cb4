"""What an account may do and how much of it: the one place limits are read from."""

from rostrum.billing.plans import DEFAULT_PLAN, PLANS, Plan


class LimitReached(Exception):
    """An action would go past the account's plan. ``message`` is shown to the user."""

    def __init__(self, limit: str, allowed: int, message: str):
        super().__init__(message)
        self.limit = limit
        self.allowed = allowed
        self.message = message


def plan_for(account) -> Plan:
    return PLANS.get(account.plan_code, DEFAULT_PLAN)


def limit(account, name: str) -> int:
    return getattr(plan_for(account), name)


def has_feature(account, feature: str) -> bool:
    return feature in plan_for(account).features
