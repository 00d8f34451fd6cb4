from django.db import models
from django.utils.translation import gettext_lazy as _


class RoomType(models.TextChoices):
    MEETING = "meeting", _("Online meeting")
    WEBINAR = "webinar", _("Webinar")


class AccessType(models.TextChoices):
    OPEN = "open", _("Open to anyone with the link or number")
    PASSWORD = "password", _("Password")
    TOKEN = "token", _("One-time access tokens")


# Access type → plan feature that unlocks it (open rooms need none).
ACCESS_FEATURES = {AccessType.PASSWORD: "password_access", AccessType.TOKEN: "token_access"}

MAX_DURATION_MINUTES = 24 * 60
JOIN_SESSION_KEY = "rostrum_admitted_rooms"
JOIN_EMAIL_SESSION_KEY = "rostrum_admitted_emails"  # room id → a registrant's e-mail, for their participant
PARTICIPANT_KEY_SESSION_KEY = "rostrum_participant_key"
JOIN_RATE = "10/m"


class ParticipantRole(models.TextChoices):
    HOST = "host", _("Host")
    PRESENTER = "presenter", _("Presenter")
    ATTENDEE = "attendee", _("Attendee")
