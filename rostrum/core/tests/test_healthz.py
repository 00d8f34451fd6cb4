import pytest

from rostrum.core import health
from rostrum.media import placement


@pytest.mark.django_db
def test_healthz_reports_every_component(client, settings, janus_node):
    settings.MEDIA_NODES, settings.JANUS_API_SECRET = [janus_node.url], janus_node.api_secret
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
    assert body["checks"]["media"] == {"ok": True, "detail": f"{janus_node.url} (Janus WebRTC Server 1.1.2)"}
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


@pytest.mark.django_db
def test_healthz_is_degraded_not_failing_when_a_media_node_is_down(client, settings, janus_node):
    settings.MEDIA_NODES = [janus_node.url, "ws://127.0.0.1:9"]  # nothing listens on port 9
    settings.JANUS_API_SECRET = janus_node.api_secret
    response = client.get("/healthz")
    assert response.status_code == 200
    assert response.json()["status"] == "degraded"
    media = response.json()["checks"]["media"]
    assert media["ok"] is False and media["detail"].startswith("ws://127.0.0.1:9: ")
    assert janus_node.url not in media["detail"]  # only the node that is down is named
    assert placement.nodes_up() == [janus_node.url], "new media rooms avoid the node that is down"


@pytest.mark.django_db
def test_healthz_with_a_wrong_api_secret_says_the_node_refuses(client, settings, janus_node):
    settings.MEDIA_NODES, settings.JANUS_API_SECRET = [janus_node.url], "not-the-secret"
    media = client.get("/healthz").json()["checks"]["media"]
    assert media["ok"] is False
