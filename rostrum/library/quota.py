"""How much of its plan's storage an account uses. Library files count; conversions will too."""

from dataclasses import dataclass

from django.db.models import Sum

from rostrum.billing.entitlements import limit
from rostrum.library.models import LibraryFile


def storage_used(account) -> int:
    return LibraryFile.objects.filter(account=account).aggregate(total=Sum("size"))["total"] or 0


def storage_limit(account) -> int:
    return limit(account, "storage_bytes")


@dataclass(frozen=True)
class StorageUsage:
    used: int
    limit: int

    @property
    def free(self) -> int:
        return max(self.limit - self.used, 0)

    @property
    def percent(self) -> int:
        return min(100, int(100 * self.used / self.limit)) if self.limit else 100


def build_storage_usage(account) -> StorageUsage:
    return StorageUsage(used=storage_used(account), limit=storage_limit(account))
