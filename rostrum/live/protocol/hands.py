from rostrum.engagement.actions import hands
from rostrum.live.protocol.base import Empty, Frame
from rostrum.live.registry import handles


class ParticipantRef(Frame):
    participant_id: int


@handles("hand.raise", Empty)
def raise_hand(context, message):
    hands.check_raise_hand(context)


@handles("hand.lower", Empty)
def lower_hand(context, message):
    hands.check_lower_hand(context)


@handles("hand.lower_for", ParticipantRef)
def lower_hand_for(context, message):
    hands.check_lower_hand_for(context, message.participant_id)


@handles("hand.clear_all", Empty)
def clear_all(context, message):
    hands.check_clear_hands(context)
