"""Answer shapes of the API: pure functions from domain objects to ClickMeeting's JSON, and the
serializers that document them in the OpenAPI description."""
