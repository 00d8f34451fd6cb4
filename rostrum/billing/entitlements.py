"""What an account may do and how much of it: the one place limits are read from."""

from rostrum.billing.plans import DEFAULT_PLAN, PLANS, Plan


def plan_for(account) -> Plan:
    return PLANS.get(account.plan_code, DEFAULT_PLAN)


def limit(account, name: str) -> int:
    return getattr(plan_for(account), name)


def has_feature(account, feature: str) -> bool:
    return feature in plan_for(account).features
