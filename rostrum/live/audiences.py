"""Who receives a live event. Built only through these helpers, never by hand."""

from dataclasses import dataclass, field


@dataclass(frozen=True)
class Audience:
    everyone: bool = False  # every admitted participant
    moderators: bool = False  # hosts and presenters
    lobby: bool = False  # also those still waiting in the lobby
    participants: tuple[int, ...] = field(default_factory=tuple)

    def to_dict(self) -> dict:
        return {
            "everyone": self.everyone,
            "moderators": self.moderators,
            "lobby": self.lobby,
            "participants": list(self.participants),
        }


def everyone(*, including_lobby: bool = False) -> Audience:
    return Audience(everyone=True, lobby=including_lobby)


def moderators(*participant_ids: int) -> Audience:
    """The organisers, and whichever participants the event concerns."""
    return Audience(moderators=True, participants=tuple(participant_ids))


def only(*participant_ids: int) -> Audience:
    return Audience(participants=tuple(participant_ids))


@dataclass(frozen=True)
class Viewer:
    """What the transport knows of one connection: enough to pick its events and build its snapshot."""

    participant_id: int
    role: str
    is_admitted: bool

    @property
    def is_moderator(self) -> bool:
        return self.role in ("host", "presenter")


def reaches(audience: dict, viewer: Viewer) -> bool:
    if viewer.participant_id in audience["participants"]:
        return True
    if not viewer.is_admitted:
        return audience["lobby"]
    return audience["everyone"] or (audience["moderators"] and viewer.is_moderator)
