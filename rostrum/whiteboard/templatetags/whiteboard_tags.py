"""``{% whiteboard_downloads room session %}``: the board's PNG/PDF links on the session's report,
when something is on its board."""

from django import template

from rostrum.whiteboard.models import WhiteboardItem

register = template.Library()


@register.inclusion_tag("whiteboard/_downloads.html")
def whiteboard_downloads(room, session) -> dict:
    has_items = WhiteboardItem.objects.filter(board__session=session, removed_at=None).exists()
    return {"room": room, "session": session, "has_items": has_items}
