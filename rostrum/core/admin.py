from django.contrib import admin

from rostrum.core.models import AuditEntry


@admin.register(AuditEntry)
class AuditEntryAdmin(admin.ModelAdmin):
    """Read-only: audit entries are only ever added, by the code that makes the change."""

    list_display = ["created_at", "code", "account", "actor", "ip_address"]
    list_filter = ["code"]
    search_fields = ["code", "account__name", "actor__email"]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False
