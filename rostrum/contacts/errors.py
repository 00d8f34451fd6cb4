from rostrum.core.errors import RostrumError


class ContactsError(RostrumError):
    pass
