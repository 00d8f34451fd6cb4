from typing import Literal

from pydantic import StrictInt

from rostrum.live.protocol.base import Empty, Frame
from rostrum.live.registry import handles
from rostrum.rooms import session_actions


class SetAdmission(Frame):
    automatic: bool


class Admit(Frame):
    participant_id: StrictInt | None = None  # None: everyone waiting


class SetRole(Frame):
    participant_id: StrictInt
    role: Literal["presenter", "attendee"]


@handles("session.start", Empty)
def start(context, message):
    session_actions.check_start_session(context)


@handles("session.end", Empty)
def end(context, message):
    session_actions.check_end_session(context)


@handles("session.set_admission", SetAdmission)
def set_admission(context, message):
    session_actions.check_set_admission(context, message.automatic)


@handles("lobby.admit", Admit)
def admit(context, message):
    return {"admitted": session_actions.check_admit(context, message.participant_id)}


@handles("participant.set_role", SetRole)
def set_role(context, message):
    session_actions.check_set_role(context, message.participant_id, message.role)
