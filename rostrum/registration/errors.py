from rostrum.core.errors import RostrumError


class RegistrationError(RostrumError):
    pass
