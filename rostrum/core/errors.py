class RostrumError(Exception):
    """A refused action, with a stable ``code`` for programs and a ``message`` for people."""

    def __init__(self, code: str, message: str):
        super().__init__(message)
        self.code = code
        self.message = message
