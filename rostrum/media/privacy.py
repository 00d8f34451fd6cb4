from rostrum.media.models import MediaNodeRoom, MediaSubscription, Publication
from rostrum.privacy.registry import declare_no_personal_data

# When someone published and what (camera, screen): tied to a participant, who is erased with their
# session data; the rows hold no name, address or content of their own.
declare_no_personal_data(Publication, "times and kinds of feeds; the person is the participant row")

# Which media node held a session's room: infrastructure, no person.
declare_no_personal_data(MediaNodeRoom, "which media node held a session's room, and when")
# When a participant received media and from which node: the person is the participant row.
declare_no_personal_data(MediaSubscription, "times and node of receiving media; the person is the participant row")
