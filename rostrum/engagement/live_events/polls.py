from collections import defaultdict

from django.db.models import Count, Prefetch

from rostrum.engagement.actions.polls import option_data, poll_data
from rostrum.engagement.constants import PollKind, PollState
from rostrum.engagement.models import Poll, PollBallot, PollOption
from rostrum.live.registry import reduces, snapshot_part
from rostrum.live.snapshot import put_by_id


def my_votes(participant_id: int) -> dict[int, dict]:
    """Poll id → the participant's ballot as ``my_vote``, in one query."""
    votes: dict[int, dict] = {}
    rows = PollBallot.objects.filter(participant_id=participant_id).values_list("poll_id", "text", "choices")
    for poll_id, text, option_id in rows:
        vote = votes.setdefault(poll_id, {"option_ids": [], "text": text})
        if option_id is not None:
            vote["option_ids"].append(option_id)
    for vote in votes.values():
        vote["option_ids"].sort()
    return votes


def texts_by_poll(session) -> dict[int, list[str]]:
    """Poll id → the answers to the session's free-text polls, oldest first, in one query."""
    texts: dict[int, list[str]] = defaultdict(list)
    rows = PollBallot.objects.filter(poll__session=session, poll__kind=PollKind.TEXT).order_by("id")
    for poll_id, text in rows.values_list("poll_id", "text"):
        texts[poll_id].append(text)
    return texts


@snapshot_part
def polls_part(context) -> dict:
    """Organisers see every poll, drafts and free-text answers included; others the launched ones.

    A constant number of queries, however many polls and ballots there are.
    """
    viewer = context.viewer
    if not viewer.is_admitted:
        return {"polls": []}
    options = PollOption.objects.annotate(votes=Count("ballots")).order_by("position")
    visible = (
        Poll.objects.filter(session=context.session)
        .annotate(ballot_count=Count("ballots"))
        .prefetch_related(Prefetch("options", queryset=options))
        .order_by("id")
    )
    if not viewer.is_moderator:
        visible = visible.exclude(state=PollState.DRAFT)
    polls = list(visible)
    mine = my_votes(viewer.participant_id) if polls else {}
    texts = (
        texts_by_poll(context.session) if viewer.is_moderator and any(p.kind == PollKind.TEXT for p in polls) else {}
    )
    part = []
    for poll in polls:
        data = poll_data(poll, [option_data(o, o.votes) for o in poll.options.all()], poll.ballot_count)
        data["my_vote"] = mine.get(poll.pk)
        if viewer.is_moderator and poll.kind == PollKind.TEXT:
            data["texts"] = texts.get(poll.pk, [])
        part.append(data)
    return {"polls": part}


def find_poll(snapshot, poll_id: int) -> dict | None:
    return next((p for p in snapshot["polls"] if p["id"] == poll_id), None)


def put_poll(snapshot, data, viewer) -> None:
    """Update what everyone sees of a poll, keeping this viewer's own ``my_vote`` and ``texts``."""
    poll = find_poll(snapshot, data["id"])
    if poll is not None:
        poll.update(data)
        return
    poll = {**data, "my_vote": None}
    if viewer.is_moderator and data["kind"] == PollKind.TEXT:
        poll["texts"] = []
    put_by_id(snapshot["polls"], poll)


@reduces("poll.created")
def poll_created(snapshot, data, viewer):
    put_poll(snapshot, data["poll"], viewer)


@reduces("poll.launched")
def poll_launched(snapshot, data, viewer):
    put_poll(snapshot, data["poll"], viewer)


@reduces("poll.closed")
def poll_closed(snapshot, data, viewer):
    put_poll(snapshot, data["poll"], viewer)


@reduces("poll.results")
def poll_results(snapshot, data, viewer):
    """The counts are absolute, so the latest wins; ``my_vote`` is not this event's."""
    poll = find_poll(snapshot, data["id"])
    if poll is not None:
        poll["options"] = data["options"]
        poll["ballots"] = data["ballots"]


@reduces("poll.text_added")
def poll_text_added(snapshot, data, viewer):
    poll = find_poll(snapshot, data["id"])
    if poll is not None and viewer.is_moderator:
        poll.setdefault("texts", []).append(data["text"])


@reduces("poll.voted")
def poll_voted(snapshot, data, viewer):
    """Addressed to the voter alone: their ballot, as ``my_vote``."""
    poll = find_poll(snapshot, data["poll_id"])
    if poll is not None:
        poll["my_vote"] = {"option_ids": data["option_ids"], "text": data["text"]}
