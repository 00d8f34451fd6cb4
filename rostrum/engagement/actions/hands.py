"""Raised hands: a participant raises and lowers their own; the organisers keep the queue.

A hand is ``rooms.Participant.hand_raised_at``. Changes are conditional updates, so two tabs of
the same person raising at once publish one event, and the queue keeps its first place.
"""

from django.utils import timezone
from django.utils.translation import gettext as _

from rostrum.live import audiences
from rostrum.live.errors import LiveError
from rostrum.live.publish import publish_on_commit
from rostrum.rooms.models import Participant
from rostrum.rooms.session_actions import access_participant_in_session, require_moderator


def hand_data(participant: Participant) -> dict:
    return {
        "id": participant.pk,
        "name": participant.display_name,
        "raised_at": participant.hand_raised_at.isoformat(),
    }


def raised_hands(session):
    """The queue, oldest first."""
    return session.participants.filter(hand_raised_at__isnull=False).order_by("hand_raised_at", "id")


def check_raise_hand(context) -> None:
    participant = context.participant
    if context.session.ended_at is not None:
        raise LiveError("session_ended", _("The session has ended."))
    if not participant.is_admitted:
        raise LiveError("not_admitted", _("You can raise your hand once you are let in."))
    now = timezone.now()
    raised = Participant.objects.filter(pk=participant.pk, hand_raised_at=None).update(hand_raised_at=now)
    if not raised:
        return  # raised already: it keeps its place in the queue
    participant.hand_raised_at = now
    publish_on_commit(context.session, "hand.raised", hand_data(participant), audiences.moderators(participant.pk))


def do_lower_hand(session, participant: Participant) -> None:
    """Lower ``participant``'s hand, if it is up; the caller has authorised this."""
    lowered = Participant.objects.filter(pk=participant.pk, hand_raised_at__isnull=False).update(hand_raised_at=None)
    if not lowered:
        return
    participant.hand_raised_at = None
    publish_on_commit(session, "hand.lowered", {"id": participant.pk}, audiences.moderators(participant.pk))


def check_lower_hand(context) -> None:
    do_lower_hand(context.session, context.participant)


def check_lower_hand_for(context, participant_id: int) -> None:
    require_moderator(context)
    do_lower_hand(context.session, access_participant_in_session(context, participant_id))


def check_clear_hands(context) -> None:
    require_moderator(context)
    cleared = raised_hands(context.session).update(hand_raised_at=None)
    if cleared:
        publish_on_commit(context.session, "hands.cleared", {}, audiences.everyone())
