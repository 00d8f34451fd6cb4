from rostrum.media.models import Publication
from rostrum.privacy.registry import declare_no_personal_data

# When someone published and what (camera, screen): tied to a participant, who is erased with their
# session data; the rows hold no name, address or content of their own.
declare_no_personal_data(Publication, "times and kinds of feeds; the person is the participant row")
