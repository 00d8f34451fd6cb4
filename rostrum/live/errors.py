from rostrum.core.errors import RostrumError


class LiveError(RostrumError):
    """A refused live action. The code goes to the client with the message."""
