from rostrum.core.storage import delete_on_commit, stored_in
from rostrum.engagement.models import (
    CallToAction,
    CallToActionClick,
    ChatAttachment,
    ChatMessage,
    Poll,
    PollBallot,
    PollOption,
    Presentation,
    PresentationStroke,
    Question,
)
from rostrum.privacy.registry import declare_no_personal_data, register


def _participants(user):
    from rostrum.rooms.models import Participant

    return Participant.objects.filter(user=user)


def export_chat(user) -> list[dict]:
    return [
        {"text": m.text, "at": m.created_at.isoformat(), "private": m.is_private}
        for m in ChatMessage.objects.filter(author__in=_participants(user))
    ]


def erase_chat(user) -> None:
    erase_chat_files(user)  # the files of the messages go with them, bytes included
    ChatMessage.objects.filter(author__in=_participants(user)).delete()


def export_chat_files(user) -> list[dict]:
    return [
        {"name": a.name, "content_type": a.content_type, "size": a.size, "at": a.created_at.isoformat()}
        for a in ChatAttachment.objects.filter(uploaded_by__in=_participants(user))
    ]


def erase_chat_files(user) -> None:
    """The rows now, their bytes once that is committed (a rolled-back erasure keeps both)."""
    attachments = ChatAttachment.objects.filter(uploaded_by__in=_participants(user))
    delete_on_commit(stored_in(attachments, "file"))
    attachments.delete()


def export_questions(user) -> list[dict]:
    return [
        {"text": q.text, "answer": q.answer, "at": q.created_at.isoformat()}
        for q in Question.objects.filter(author__in=_participants(user))
    ]


def erase_questions(user) -> None:
    Question.objects.filter(author__in=_participants(user)).delete()


def export_ballots(user) -> list[dict]:
    return [
        {"poll": b.poll.question, "choices": [c.text for c in b.choices.all()], "text": b.text}
        for b in PollBallot.objects.filter(participant__in=_participants(user)).select_related("poll")
    ]


def erase_ballots(user) -> None:
    PollBallot.objects.filter(participant__in=_participants(user)).delete()


def export_clicks(user) -> list[dict]:
    return [
        {"call_to_action": c.call_to_action.text, "at": c.clicked_at.isoformat()}
        for c in CallToActionClick.objects.filter(participant__in=_participants(user)).select_related("call_to_action")
    ]


def erase_clicks(user) -> None:
    CallToActionClick.objects.filter(participant__in=_participants(user)).delete()


def export_presentations(user) -> list[dict]:
    mine = _participants(user)
    presentations = Presentation.objects.filter(opened_by__in=mine) | Presentation.objects.filter(controller__in=mine)
    return [
        {"file": p.file.name, "opened_at": p.opened_at.isoformat()}
        for p in presentations.distinct().select_related("file")
    ]


def erase_presentations(user) -> None:
    """The presentation stays the session's (the organiser's file); who opened or ran it goes."""
    mine = _participants(user)
    Presentation.objects.filter(opened_by__in=mine).update(opened_by=None)
    Presentation.objects.filter(controller__in=mine).update(controller=None)


def export_strokes(user) -> list[dict]:
    return [
        {"page": s.page, "colour": s.colour, "points": s.points, "at": s.created_at.isoformat()}
        for s in PresentationStroke.objects.filter(author__in=_participants(user))
    ]


def erase_strokes(user) -> None:
    PresentationStroke.objects.filter(author__in=_participants(user)).delete()


register(ChatMessage, fields=("author", "recipient", "text"), exporter=export_chat, eraser=erase_chat)
register(ChatAttachment, fields=("uploaded_by", "name", "file"), exporter=export_chat_files, eraser=erase_chat_files)
register(Question, fields=("author", "text", "answered_by"), exporter=export_questions, eraser=erase_questions)
register(PollBallot, fields=("participant", "text"), exporter=export_ballots, eraser=erase_ballots)
register(CallToActionClick, fields=("participant",), exporter=export_clicks, eraser=erase_clicks)
declare_no_personal_data(Poll, "a poll's question, written by the organiser")
declare_no_personal_data(PollOption, "a poll's answer options, written by the organiser")
declare_no_personal_data(CallToAction, "the organiser's button text and link")
register(Presentation, fields=("opened_by", "controller"), exporter=export_presentations, eraser=erase_presentations)
register(PresentationStroke, fields=("author", "points"), exporter=export_strokes, eraser=erase_strokes)
