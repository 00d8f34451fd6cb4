"""Plans and what each one entitles an account to.

Subscriptions, add-ons and payments come with the billing work; until then every account is on
a plan from this table (the free plan by default). Limits are asked of ``entitlements``, never
written into the code that applies them.
"""

from dataclasses import dataclass, field
from datetime import timedelta


@dataclass(frozen=True)
class Plan:
    code: str
    name: str
    attendees_per_room: int
    simultaneous_presenters: int
    storage_bytes: int
    rooms: int
    team_members: int
    access_tokens_per_batch: int
    trial_length: timedelta | None = None
    features: frozenset[str] = field(default_factory=frozenset)


FREE = Plan(
    code="free",
    name="Free",
    attendees_per_room=25,
    simultaneous_presenters=2,
    storage_bytes=1 * 1024**3,
    rooms=10,
    team_members=3,
    access_tokens_per_batch=500,
    trial_length=timedelta(days=30),
    features=frozenset({"password_access", "token_access", "lobby", "public_profile"}),
)

BUSINESS = Plan(
    code="business",
    name="Business",
    attendees_per_room=1000,
    simultaneous_presenters=8,
    storage_bytes=50 * 1024**3,
    rooms=500,
    team_members=50,
    access_tokens_per_batch=5000,
    features=frozenset({"password_access", "token_access", "lobby", "public_profile", "recording", "api"}),
)

PLANS = {plan.code: plan for plan in (FREE, BUSINESS)}
DEFAULT_PLAN = FREE
