"""Every operation of the OpenAPI description, fuzzed: valid and invalid inputs, a valid key.

Operations are read from the generated description, so endpoints added later are covered without
editing this file. No answer may be a 5xx, and every answer must match its documented schema
(errors included: the error responses are documented on every operation by RostrumAutoSchema).
"""

import json

import pytest
import schemathesis
from django.core import signals
from django.db import close_old_connections
from drf_spectacular.generators import SchemaGenerator
from hypothesis import HealthCheck, settings
from rest_framework.renderers import JSONRenderer
from schemathesis import GenerationMode
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import response_schema_conformance

from rostrum.wsgi import application


def load_schema():
    description = json.loads(JSONRenderer().render(SchemaGenerator().get_schema(request=None, public=True)))
    schema = schemathesis.openapi.from_dict(description)
    schema.app = application
    schema.config.generation.update(
        modes=[GenerationMode.POSITIVE, GenerationMode.NEGATIVE],
        deterministic=True,
        with_security_parameters=False,  # the key is ours, sent below
    )
    return schema


schema = load_schema()


@pytest.fixture
def key_header(api_key, settings):
    settings.ROSTRUM_API_RATE = "100000/min"
    # Requests go through the real WSGI application in this thread, inside the test's transaction:
    # like Django's test client, keep the request signals from closing the test's connection.
    signals.request_started.disconnect(close_old_connections)
    signals.request_finished.disconnect(close_old_connections)
    yield {"X-Api-Key": api_key}
    signals.request_started.connect(close_old_connections)
    signals.request_finished.connect(close_old_connections)


@pytest.mark.django_db
@schema.parametrize()
@settings(max_examples=12, derandomize=True, deadline=None, suppress_health_check=list(HealthCheck))
def test_every_operation_answers_its_documented_shape_and_never_5xx(case, key_header):
    case.call_and_validate(headers=key_header, checks=[not_a_server_error, response_schema_conformance])


@pytest.mark.django_db
def test_the_description_documents_the_key_and_the_error_body(client):
    description = client.get("/api/v1/openapi.json").json()
    assert description["components"]["securitySchemes"]["ApiKey"] == {
        "type": "apiKey",
        "in": "header",
        "name": "X-Api-Key",
        "description": description["components"]["securitySchemes"]["ApiKey"]["description"],
    }
    assert set(description["components"]["schemas"]["Error"]["properties"]) == {"code", "name", "message", "errors"}
    assert "/api/v1/ping" in description["paths"]
    for path, item in description["paths"].items():
        for method, operation in item.items():
            assert operation["security"] == [{"ApiKey": []}], (path, method)
            assert "200" in operation["responses"] or "201" in operation["responses"], (path, method)
            assert "401" in operation["responses"], (path, method)
