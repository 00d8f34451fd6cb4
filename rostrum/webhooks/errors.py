from rostrum.core.errors import RostrumError


class WebhooksError(RostrumError):
    """Codes: invalid_url, scheme, credentials, unresolvable, private_address, no_events."""
