import pytest

from rostrum.core import health


@pytest.mark.django_db
def test_healthz_reports_every_component(client, settings):
    response = client.get("/healthz")
    assert response.status_code == 200
    body = response.json()
    assert body["status"] == "ok"
    assert set(body["checks"]) == {"database", "channel_layer", "task_queue", "media"}
    expected_vendor = "postgresql" if "postgresql" in settings.DATABASES["default"]["ENGINE"] else "sqlite"
    assert body["checks"]["database"]["detail"] == expected_vendor
    expected_layer = "RedisChannelLayer" if settings.REDIS_URL else "InMemoryChannelLayer"
    assert body["checks"]["channel_layer"]["detail"] == expected_layer
    assert body["checks"]["task_queue"]["ok"] is True
    assert response["Cache-Control"].startswith("max-age=0")


@pytest.mark.django_db
def test_healthz_answers_503_when_a_component_fails(client, monkeypatch):
    def broken():
        return False, "ConnectionError"

    monkeypatch.setitem(health.CHECKS, "channel_layer", broken)
    response = client.get("/healthz")
    assert response.status_code == 503
    assert response.json()["status"] == "failing"
    assert response.json()["checks"]["channel_layer"] == {"ok": False, "detail": "ConnectionError"}
