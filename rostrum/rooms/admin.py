from django.contrib import admin

from rostrum.rooms.models import Room


@admin.register(Room)
class RoomAdmin(admin.ModelAdmin):
    list_display = ["name", "number", "account", "room_type", "access_type", "starts_at", "is_permanent"]
    list_filter = ["room_type", "access_type", "is_permanent"]
    search_fields = ["name", "number", "slug", "account__name"]
    readonly_fields = ["number"]
