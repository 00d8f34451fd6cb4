from rostrum.core.errors import RostrumError


class AccountsError(RostrumError):
    pass
