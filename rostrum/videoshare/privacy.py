from rostrum.privacy.registry import register
from rostrum.videoshare.models import SharedVideo


def _participants(user):
    from rostrum.rooms.models import Participant

    return Participant.objects.filter(user=user)


def export_shared_videos(user) -> list[dict]:
    mine = _participants(user)
    videos = SharedVideo.objects.filter(opened_by__in=mine) | SharedVideo.objects.filter(controller__in=mine)
    return [{"title": v.title, "source": v.source, "opened_at": v.opened_at.isoformat()} for v in videos.distinct()]


def erase_shared_videos(user) -> None:
    """The shared video stays the session's (the organiser's file or link); who opened or ran it goes."""
    mine = _participants(user)
    SharedVideo.objects.filter(opened_by__in=mine).update(opened_by=None)
    SharedVideo.objects.filter(controller__in=mine).update(controller=None)


register(SharedVideo, fields=("opened_by", "controller"), exporter=export_shared_videos, eraser=erase_shared_videos)
