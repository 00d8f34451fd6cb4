from django.db.models import Q

from rostrum.engagement.actions.qa import question_data
from rostrum.engagement.constants import QuestionState
from rostrum.engagement.models import Question
from rostrum.live.registry import reduces, snapshot_part
from rostrum.live.snapshot import put_by_id


@snapshot_part
def questions_part(context) -> dict:
    """Organisers see every question; others their own and those answered publicly."""
    viewer = context.viewer
    if not viewer.is_admitted:
        return {"questions": []}
    questions = Question.objects.filter(session=context.session).select_related("author").order_by("id")
    if not viewer.is_moderator:
        answered_publicly = Q(state=QuestionState.ANSWERED, answered_privately=False)
        questions = questions.filter(answered_publicly | Q(author_id=viewer.participant_id))
    return {"questions": [question_data(q) for q in questions]}


@reduces("qa.asked")
def qa_asked(snapshot, data, viewer):
    put_by_id(snapshot["questions"], data["question"])


@reduces("qa.answered")
def qa_answered(snapshot, data, viewer):
    put_by_id(snapshot["questions"], data["question"])


@reduces("qa.dismissed")
def qa_dismissed(snapshot, data, viewer):
    """Organisers and the author keep the question, marked dismissed; for anyone else it is gone."""
    for question in snapshot["questions"]:
        if question["id"] == data["id"]:
            if viewer.is_moderator or question["author"]["id"] == viewer.participant_id:
                question["state"] = QuestionState.DISMISSED.value
            else:
                snapshot["questions"].remove(question)
            return
