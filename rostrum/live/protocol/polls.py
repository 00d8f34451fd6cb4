from typing import Annotated, Literal

from pydantic import Field, StringConstraints

from rostrum.engagement.actions import polls
from rostrum.engagement.actions.polls import (
    POLL_MAX_OPTIONS,
    POLL_OPTION_MAX_LENGTH,
    POLL_QUESTION_MAX_LENGTH,
    POLL_TEXT_MAX_LENGTH,
)
from rostrum.live.protocol.base import Frame
from rostrum.live.registry import handles

Id = Annotated[int, Field(strict=True, gt=0)]
QuestionText = Annotated[
    str, StringConstraints(strict=True, strip_whitespace=True, min_length=1, max_length=POLL_QUESTION_MAX_LENGTH)
]
OptionText = Annotated[
    str, StringConstraints(strict=True, strip_whitespace=True, min_length=1, max_length=POLL_OPTION_MAX_LENGTH)
]
VoteText = Annotated[
    str, StringConstraints(strict=True, strip_whitespace=True, min_length=1, max_length=POLL_TEXT_MAX_LENGTH)
]


class Create(Frame):
    question: QuestionText
    kind: Literal["single", "multiple", "text"]
    # How many options a kind takes is the action's rule (2 to 10 for choices, none for text).
    options: Annotated[list[OptionText], Field(max_length=POLL_MAX_OPTIONS)] = Field(default_factory=list)


class PollRef(Frame):
    poll_id: Id


class Vote(Frame):
    poll_id: Id
    option_ids: Annotated[list[Id], Field(min_length=1, max_length=POLL_MAX_OPTIONS)] | None = None
    text: VoteText | None = None


@handles("poll.create", Create)
def create(context, message):
    return {"id": polls.check_create_poll(context, message.question, message.kind, message.options).pk}


@handles("poll.launch", PollRef)
def launch(context, message):
    polls.check_launch_poll(context, message.poll_id)


@handles("poll.close", PollRef)
def close(context, message):
    polls.check_close_poll(context, message.poll_id)


@handles("poll.vote", Vote)
def vote(context, message):
    polls.check_vote(context, message.poll_id, message.option_ids, message.text)
    return {"poll_id": message.poll_id}
