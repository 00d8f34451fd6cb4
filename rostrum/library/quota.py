"""How much of its plan's storage an account uses. Library files, their conversion outputs and recordings count."""

from dataclasses import dataclass

from django.db.models import Sum

from rostrum.billing.entitlements import limit
from rostrum.library.models import LibraryFile


def storage_used(account) -> int:
    # Conversion outputs (a video's MP4, an office file's PDF, page images) count too: never refused
    # for quota (the upload was admitted), they may take the account over; further uploads are refused.
    totals = LibraryFile.objects.filter(account=account).aggregate(uploads=Sum("size"), outputs=Sum("converted_size"))
    files = (totals["uploads"] or 0) + (totals["outputs"] or 0)
    return files + recordings_used(account)


def recordings_used(account) -> int:
    """Session recordings count against the same storage (``rostrum.recordings``)."""
    from rostrum.recordings.models import Recording

    return Recording.objects.filter(account=account).aggregate(total=Sum("size_bytes"))["total"] or 0


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
