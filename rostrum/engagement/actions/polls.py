"""Polls: the organisers prepare them (drafts only they see), launch them to everyone, close them.

Every admitted participant votes once per poll while it is open; the ballot's unique constraint is
what enforces "once". Results are live for everyone, counted by the database; the answers to a
free-text poll are the organisers' alone.
"""

from django.db import IntegrityError, transaction
from django.db.models import Count
from django.utils import timezone
from django.utils.translation import gettext as _

from rostrum.engagement.constants import PollKind, PollState
from rostrum.engagement.models import Poll, PollBallot, PollOption
from rostrum.live import audiences
from rostrum.live.errors import LiveError
from rostrum.live.publish import publish_on_commit
from rostrum.rooms.session_actions import require_moderator

POLL_QUESTION_MAX_LENGTH = 300
POLL_OPTION_MAX_LENGTH = 200
POLL_MIN_OPTIONS = 2
POLL_MAX_OPTIONS = 10
POLL_TEXT_MAX_LENGTH = 1000


def option_data(option: PollOption, votes: int) -> dict:
    return {"id": option.pk, "text": option.text, "votes": votes}


def poll_data(poll: Poll, options: list[dict], ballots: int) -> dict:
    """The poll as everyone who may see it sees it; snapshots add ``my_vote`` and organisers' ``texts``."""
    return {
        "id": poll.pk,
        "question": poll.question,
        "kind": poll.kind,
        "state": poll.state,
        "options": options,
        "ballots": ballots,
    }


def results_of(poll: Poll) -> tuple[list[dict], int]:
    """(options with their votes, number of ballots), counted now."""
    options = poll.options.annotate(votes=Count("ballots")).order_by("position")
    return [option_data(o, o.votes) for o in options], poll.ballots.count()


def access_poll_in_session(context, poll_id: int) -> Poll:
    """A poll of the acting participant's session, locked; any other id is simply not found.

    The lock orders everything done to one poll: a vote sees the state a launch or close left, and
    votes commit (and are numbered) one after the other, so each ``poll.results`` counts them all.
    """
    poll = Poll.objects.select_for_update().filter(session=context.session, pk=poll_id).first()
    if poll is None:
        raise LiveError("not_found", _("There is no such poll."))
    return poll


def require_session_not_ended(context) -> None:
    if context.session.ended_at is not None:
        raise LiveError("session_ended", _("The session has ended."))


def check_create_poll(context, question: str, kind: str, options: list[str]) -> Poll:
    """Prepare a poll; it stays a draft, seen by the organisers only, until it is launched."""
    require_moderator(context)
    require_session_not_ended(context)
    if kind not in PollKind.values:
        raise LiveError("invalid", _("A poll is single choice, multiple choice or free text."))
    if kind == PollKind.TEXT and options:
        raise LiveError("invalid", _("A free-text poll has no options."))
    if kind != PollKind.TEXT and not POLL_MIN_OPTIONS <= len(options) <= POLL_MAX_OPTIONS:
        raise LiveError(
            "invalid",
            _("A poll has %(min)d to %(max)d options.") % {"min": POLL_MIN_OPTIONS, "max": POLL_MAX_OPTIONS},
        )
    if len({text.casefold() for text in options}) != len(options):
        raise LiveError("invalid", _("Each option can appear only once."))
    poll = Poll.objects.create(session=context.session, question=question, kind=kind)
    created = [PollOption.objects.create(poll=poll, text=text, position=n) for n, text in enumerate(options)]
    data = poll_data(poll, [option_data(o, 0) for o in created], 0)
    publish_on_commit(context.session, "poll.created", {"poll": data}, audiences.moderators())
    return poll


def check_launch_poll(context, poll_id: int) -> None:
    require_moderator(context)
    require_session_not_ended(context)
    poll = access_poll_in_session(context, poll_id)
    if poll.state != PollState.DRAFT:
        raise LiveError("invalid", _("This poll has been launched already."))
    poll.state = PollState.OPEN
    poll.opened_at = timezone.now()
    poll.save(update_fields=["state", "opened_at"])
    data = {"poll": poll_data(poll, *results_of(poll))}
    publish_on_commit(context.session, "poll.launched", data, audiences.everyone())


def check_close_poll(context, poll_id: int) -> None:
    """Stop the voting; the results stay for everyone to see. Allowed after the session ended."""
    require_moderator(context)
    poll = access_poll_in_session(context, poll_id)
    if poll.state != PollState.OPEN:
        raise LiveError("poll_not_open", _("This poll is not open."))
    poll.state = PollState.CLOSED
    poll.closed_at = timezone.now()
    poll.save(update_fields=["state", "closed_at"])
    data = {"poll": poll_data(poll, *results_of(poll))}
    publish_on_commit(context.session, "poll.closed", data, audiences.everyone())


def _chosen_options(poll: Poll, option_ids: list[int] | None, text: str | None) -> list[PollOption]:
    """The options a ballot chooses, after checking its shape fits the poll's kind."""
    if poll.kind == PollKind.TEXT:
        if option_ids or not text:
            raise LiveError("invalid", _("This poll is answered with a text."))
        return []
    if text or not option_ids:
        raise LiveError("invalid", _("This poll is answered by choosing options."))
    if poll.kind == PollKind.SINGLE and len(option_ids) != 1:
        raise LiveError("invalid", _("Choose one option."))
    if len(set(option_ids)) != len(option_ids):
        raise LiveError("invalid", _("Choose each option only once."))
    chosen = list(poll.options.filter(pk__in=option_ids))
    if len(chosen) != len(option_ids):
        raise LiveError("invalid", _("Choose among this poll's options."))
    return chosen


def check_vote(context, poll_id: int, option_ids: list[int] | None = None, text: str | None = None) -> PollBallot:
    """Cast the participant's one ballot in an open poll.

    Everyone gets the new counts (``poll.results``); the organisers get a free-text answer
    (``poll.text_added``), without its author; the voter alone gets their ballot (``poll.voted``).
    """
    participant = context.participant
    require_session_not_ended(context)
    if not participant.is_admitted:
        raise LiveError("not_admitted", _("You can vote once you are let in."))
    poll = access_poll_in_session(context, poll_id)
    if poll.state != PollState.OPEN:
        raise LiveError("poll_not_open", _("This poll is not open for votes."))
    chosen = _chosen_options(poll, option_ids, text)
    try:
        with transaction.atomic():
            ballot = PollBallot.objects.create(poll=poll, participant=participant, text=text or "")
    except IntegrityError:
        raise LiveError("already_voted", _("You have voted in this poll already.")) from None
    ballot.choices.set(chosen)
    options, ballots = results_of(poll)
    session = context.session
    publish_on_commit(
        session, "poll.results", {"id": poll.pk, "options": options, "ballots": ballots}, audiences.everyone()
    )
    if poll.kind == PollKind.TEXT:
        publish_on_commit(session, "poll.text_added", {"id": poll.pk, "text": ballot.text}, audiences.moderators())
    my_vote = {"poll_id": poll.pk, "option_ids": sorted(o.pk for o in chosen), "text": ballot.text}
    publish_on_commit(session, "poll.voted", my_vote, audiences.only(participant.pk))
    return ballot
