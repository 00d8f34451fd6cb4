from rostrum.privacy.registry import declare_no_personal_data, register
from rostrum.whiteboard.models import Whiteboard, WhiteboardItem


def _participants(user):
    from rostrum.rooms.models import Participant

    return Participant.objects.filter(user=user)


def export_items(user) -> list[dict]:
    return [
        {"kind": i.kind, "points": i.points, "colour": i.colour, "text": i.text, "at": i.created_at.isoformat()}
        for i in WhiteboardItem.objects.filter(author__in=_participants(user))
    ]


def erase_items(user) -> None:
    """What the person drew or wrote goes; that they erased someone else's item is forgotten."""
    mine = _participants(user)
    WhiteboardItem.objects.filter(author__in=mine).delete()
    WhiteboardItem.objects.filter(removed_by__in=mine).update(removed_by=None)


declare_no_personal_data(Whiteboard, "a session's board and whether it is shown")
register(WhiteboardItem, fields=("author", "removed_by", "points", "text"), exporter=export_items, eraser=erase_items)
