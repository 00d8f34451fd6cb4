"""The generated Janus configuration and the placement of a session's media room (no Janus needed)."""

import hashlib
import hmac
import os
import stat

import pytest
from django.conf import settings as django_settings

from rostrum.media import janus_config
from rostrum.media.janus_config import JanusSettings, default_interface, janus_lib_dir, janus_settings, write_config
from rostrum.media.rooms import media_room_for, room_secret

needs_janus = pytest.mark.skipif(
    not any((d / "plugins").exists() for d in janus_config.LIB_DIRS), reason="the Debian package janus is missing"
)


def rendered(tmp_path, **overrides) -> dict[str, str]:
    options = {"api_secret": "s3cret", "ws_port": 18188, "ice_interface": "eth-test", **overrides}
    conf = write_config(JanusSettings(**options), tmp_path / "conf")
    return {path.name: path.read_text() for path in conf.iterdir()}


@needs_janus
def test_the_core_settings_keep_the_api_private_and_calls_reclaimable(tmp_path):
    janus = rendered(tmp_path)["janus.jcfg"]
    assert 'api_secret = "s3cret"' in janus
    assert "admin_secret = " in janus
    assert "reclaim_session_timeout = 30" in janus
    assert "session_timeout = 60" in janus
    assert f"event_loops = {os.cpu_count()}" in janus
    assert 'ice_enforce_list = "eth-test"' in janus
    assert 'rtp_port_range = "20000-40000"' in janus
    assert "protected_folders = [" in janus and '"/etc"' in janus
    assert "nat_1_1_mapping" not in janus and "stun_server" not in janus and "turn_server" not in janus


@needs_janus
def test_every_plugin_and_transport_but_videoroom_and_websockets_is_disabled(tmp_path):
    janus = rendered(tmp_path)["janus.jcfg"]
    lib = janus_lib_dir()
    sections = {name: janus.split(f"{name}: {{")[1].split("}")[0] for name in ("plugins", "transports", "events")}
    for kind, kept in (("plugins", "libjanus_videoroom.so"), ("transports", "libjanus_websockets.so")):
        assert kept not in sections[kind]
        for library in (lib / kind).glob("*.so"):
            if library.name != kept:
                assert library.name in sections[kind], f"{library.name} should be disabled"
    assert "broadcast = false" in sections["events"]


@needs_janus
def test_the_websocket_api_listens_on_loopback_only_and_the_files_are_private(tmp_path):
    files = rendered(tmp_path)
    ws = files["janus.transport.websockets.jcfg"]
    assert "ws_port = 18188" in ws and 'ws_ip = "127.0.0.1"' in ws and 'ws_acl = "127."' in ws
    assert "admin_ws = false" in ws and "wss = false" in ws
    assert set(files) >= {"janus.jcfg", "janus.transport.websockets.jcfg", "janus.plugin.videoroom.jcfg"}
    assert "room-" not in files["janus.plugin.videoroom.jcfg"]  # rooms are made by the app, with secrets
    for path in (tmp_path / "conf").iterdir():
        assert stat.S_IMODE(path.stat().st_mode) == 0o600


@needs_janus
def test_quotes_in_values_cannot_break_out_of_a_string(tmp_path):
    janus = rendered(tmp_path, api_secret='a"b\\c')["janus.jcfg"]
    assert 'api_secret = "a\\"b\\\\c"' in janus


@needs_janus
def test_production_nat_stun_and_turn_come_from_the_environment(tmp_path, monkeypatch):
    monkeypatch.setenv("ROSTRUM_JANUS_ICE_INTERFACE", "ens5")
    monkeypatch.setenv("ROSTRUM_JANUS_NAT_1_1_MAPPING", "203.0.113.7")
    monkeypatch.setenv("ROSTRUM_JANUS_STUN_SERVER", "stun.example.org:3479")
    monkeypatch.setenv("ROSTRUM_JANUS_TURN_SERVER", "turn.example.org")
    monkeypatch.setenv("ROSTRUM_JANUS_TURN_USER", "rostrum")
    monkeypatch.setenv("ROSTRUM_JANUS_TURN_PASSWORD", "pw")
    options = janus_settings("s3cret", 18188)
    assert options.ice_interface == "ens5"
    janus = write_config(options, tmp_path / "conf").joinpath("janus.jcfg").read_text()
    assert 'ice_enforce_list = "ens5"' in janus
    assert 'nat_1_1_mapping = "203.0.113.7"' in janus
    assert 'stun_server = "stun.example.org"' in janus and "stun_port = 3479" in janus
    assert 'turn_server = "turn.example.org"' in janus and "turn_port = 3478" in janus
    assert 'turn_type = "udp"' in janus and 'turn_user = "rostrum"' in janus and 'turn_pwd = "pw"' in janus


def test_a_node_of_several_answers_on_its_private_address_to_the_app_servers_only(tmp_path, monkeypatch):
    monkeypatch.setenv("ROSTRUM_JANUS_API_ADDRESS", "10.0.0.5")
    monkeypatch.setenv("ROSTRUM_JANUS_API_ACL", "10.0.0.2,10.0.0.3")
    options = janus_settings("s3cret", 18188)
    ws = write_config(options, tmp_path / "conf").joinpath("janus.transport.websockets.jcfg").read_text()
    assert 'ws_ip = "10.0.0.5"' in ws and 'ws_acl = "10.0.0.2,10.0.0.3"' in ws


def test_the_ice_interface_found_at_start_up_is_a_real_one(monkeypatch):
    monkeypatch.delenv("ROSTRUM_JANUS_ICE_INTERFACE", raising=False)
    name = default_interface()
    assert name != "lo"
    assert janus_config.ipv4_address(name), "Janus needs an IPv4 address there (it gathers nothing on loopback)"


def test_a_sessions_room_is_numbered_by_the_session_with_a_secret_of_its_own_on_every_node(settings):
    room = media_room_for(1234567, "webinar", max_publishers=8, node="ws://10.0.0.2:8188")
    assert room.node == "ws://10.0.0.2:8188"  # which node: rostrum.media.placement (test_placement.py)
    assert room.room_id == 1234567 and room.max_publishers == 8
    expected = hmac.new(settings.SECRET_KEY.encode(), b"janus-room:1234567", hashlib.sha256).hexdigest()
    assert room.secret == expected == room_secret(1234567)
    assert room_secret(1234568) != room.secret
    edge = media_room_for(1234567, "webinar", max_publishers=8, node="ws://10.0.0.3:8188")
    assert (edge.room_id, edge.secret) == (room.room_id, room.secret)  # an edge room is the same room elsewhere


def test_the_api_secret_is_shared_by_the_app_and_scripts_run_without_configuration():
    if os.environ.get("ROSTRUM_JANUS_API_SECRET"):
        assert os.environ["ROSTRUM_JANUS_API_SECRET"] == django_settings.JANUS_API_SECRET
    else:
        assert len(django_settings.JANUS_API_SECRET) == 64  # an HMAC-SHA256 of the secret key, in hex
        assert django_settings.SECRET_KEY not in django_settings.JANUS_API_SECRET
