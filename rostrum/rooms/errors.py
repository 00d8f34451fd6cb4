from rostrum.core.errors import RostrumError


class RoomsError(RostrumError):
    pass
