"""Questions and answers: attendees ask, the organisers answer (publicly or privately) or dismiss.

Who sees a question: the organisers always, its author always, everyone else once it is answered
publicly. A publicly answered question is final: answering it again could not be taken back from
the attendees who have seen it.
"""

from datetime import timedelta

from django.utils import timezone
from django.utils.translation import gettext as _

from rostrum.engagement.constants import QuestionState
from rostrum.engagement.models import Question
from rostrum.live import audiences
from rostrum.live.errors import LiveError
from rostrum.live.publish import publish_on_commit
from rostrum.rooms.session_actions import participant_card, require_moderator

QUESTION_MAX_LENGTH = 1000
ANSWER_MAX_LENGTH = 2000
# Per participant: at most this many questions in this many seconds.
QUESTION_RATE_COUNT = 5
QUESTION_RATE_SECONDS = 60


def question_data(question: Question) -> dict:
    return {
        "id": question.pk,
        "author": participant_card(question.author),
        "text": question.text,
        "state": question.state,
        "answer": question.answer,
        "answered_privately": question.answered_privately,
        "at": question.created_at.isoformat(),
    }


def is_public(question: Question) -> bool:
    return question.state == QuestionState.ANSWERED and not question.answered_privately


def audience_of(question: Question) -> audiences.Audience:
    if is_public(question):
        return audiences.everyone()
    return audiences.moderators(question.author_id)


def require_session_not_ended(context) -> None:
    if context.session.ended_at is not None:
        raise LiveError("session_ended", _("The session has ended."))


def access_question_in_session(context, question_id: int) -> Question:
    """A question of the acting participant's session, locked; any other id is simply not found."""
    question = (
        Question.objects.select_for_update(of=("self",))
        .select_related("author")
        .filter(session=context.session, pk=question_id)
        .first()
    )
    if question is None:
        raise LiveError("not_found", _("There is no such question."))
    return question


def check_ask_question(context, text: str) -> Question:
    participant = context.participant
    require_session_not_ended(context)
    if not participant.is_admitted:
        raise LiveError("not_admitted", _("You can ask once you are let in."))
    since = timezone.now() - timedelta(seconds=QUESTION_RATE_SECONDS)
    recent = Question.objects.filter(author=participant, created_at__gte=since).count()
    if recent >= QUESTION_RATE_COUNT:
        raise LiveError(
            "rate_limited",
            _("You are asking too fast: at most %(count)d questions in %(seconds)d seconds.")
            % {"count": QUESTION_RATE_COUNT, "seconds": QUESTION_RATE_SECONDS},
        )
    question = Question.objects.create(session=context.session, author=participant, text=text)
    publish_on_commit(context.session, "qa.asked", {"question": question_data(question)}, audience_of(question))
    return question


def check_answer_question(context, question_id: int, text: str, *, private: bool) -> None:
    """Answer (which marks the question answered); a private answer may later become a public one."""
    require_moderator(context)
    require_session_not_ended(context)
    question = access_question_in_session(context, question_id)
    if is_public(question):
        raise LiveError("invalid", _("This question has been answered publicly already."))
    question.state = QuestionState.ANSWERED
    question.answer = text
    question.answered_privately = private
    question.answered_by = context.participant
    question.answered_at = timezone.now()
    question.save(update_fields=["state", "answer", "answered_privately", "answered_by", "answered_at"])
    # A public answer reaches everyone; a private one only those who could see the question.
    publish_on_commit(context.session, "qa.answered", {"question": question_data(question)}, audience_of(question))


def check_dismiss_question(context, question_id: int) -> None:
    """Hide a question from everyone but the organisers and its author."""
    require_moderator(context)
    require_session_not_ended(context)
    question = access_question_in_session(context, question_id)
    if question.state == QuestionState.DISMISSED:
        raise LiveError("invalid", _("This question has been dismissed already."))
    # Those who saw it must hear that it is gone, so the audience is the one before the change.
    audience = audience_of(question)
    question.state = QuestionState.DISMISSED
    question.save(update_fields=["state"])
    publish_on_commit(context.session, "qa.dismissed", {"id": question.pk}, audience)
