from rostrum.core.errors import RostrumError


class LibraryError(RostrumError):
    """A refused upload, rename or delete: ``code`` for programs (the API), ``message`` for people."""
