from dataclasses import dataclass

from rostrum.live.audiences import Viewer


@dataclass
class LiveContext:
    """The acting participant, fresh from the database, inside the action's transaction."""

    participant: "object"  # rooms.models.Participant
    session: "object"  # rooms.models.Session

    @property
    def viewer(self) -> Viewer:
        return viewer_of(self.participant)


def viewer_of(participant) -> Viewer:
    return Viewer(participant_id=participant.pk, role=participant.role, is_admitted=participant.is_admitted)
