from typing import Annotated

from pydantic import Field, StrictBool, StringConstraints

from rostrum.engagement.actions import qa
from rostrum.engagement.actions.qa import ANSWER_MAX_LENGTH, QUESTION_MAX_LENGTH
from rostrum.live.protocol.base import Frame
from rostrum.live.registry import handles

Id = Annotated[int, Field(strict=True, gt=0)]
QuestionText = Annotated[
    str, StringConstraints(strict=True, strip_whitespace=True, min_length=1, max_length=QUESTION_MAX_LENGTH)
]
AnswerText = Annotated[
    str, StringConstraints(strict=True, strip_whitespace=True, min_length=1, max_length=ANSWER_MAX_LENGTH)
]


class Ask(Frame):
    text: QuestionText


class Answer(Frame):
    question_id: Id
    text: AnswerText
    private: StrictBool


class QuestionRef(Frame):
    question_id: Id


@handles("qa.ask", Ask)
def ask(context, message):
    return {"id": qa.check_ask_question(context, message.text).pk}


@handles("qa.answer", Answer)
def answer(context, message):
    qa.check_answer_question(context, message.question_id, message.text, private=message.private)


@handles("qa.dismiss", QuestionRef)
def dismiss(context, message):
    qa.check_dismiss_question(context, message.question_id)
