"""A private configuration folder for one Janus node, generated at start-up (libconfig ``.jcfg``).

Why each setting:

- the WebSocket API listens on 127.0.0.1 only (``ws_acl`` too), and every request needs the
  ``api_secret``: only the app talks to Janus, browsers never do (a node of several listens on its
  private address for the app servers only: ``ROSTRUM_JANUS_API_ADDRESS`` and ``_ACL``);
- the admin API is off (nothing here uses it); no HTTP transport; an ``admin_secret`` is set all
  the same (random at each start), so enabling an admin transport by mistake does not open it;
- ``reclaim_session_timeout``: if the app's control connection drops (a restart), calls survive
  and the app ``claim``s its session back;
- ``event_loops`` = the CPUs: measured on this kind of machine at about half the CPU per subscriber
  of the default threading (``../shared/notes/janus.md``);
- ICE pinned to a real interface (``ice_enforce_list``): Janus gathers no loopback candidate, and
  left alone it offers every interface, link-local IPv6 included;
- every plugin, transport, logger and event handler that Rostrum does not use is disabled;
- ``slowlink_threshold``: Janus reports a connection losing packets (``slowlink``), so that the
  relay can lower what a weak subscriber receives (``rostrum.media.quality``).

Production behind NAT adds ``nat_1_1_mapping`` (the public address), a STUN server and TURN
(coturn) from the ``ROSTRUM_JANUS_*`` variables read in ``janus_settings()``.
"""

import fcntl
import os
import secrets
import socket
import struct
import sysconfig
from dataclasses import dataclass, field
from pathlib import Path

# Debian installs Janus's libraries under the multiarch folder (x86_64-linux-gnu, aarch64-linux-gnu…).
MULTIARCH = sysconfig.get_config_var("MULTIARCH") or "x86_64-linux-gnu"
LIB_DIRS = [Path(f"/usr/lib/{MULTIARCH}/janus"), *sorted(Path("/usr/lib").glob("*-linux-gnu*/janus"))]
LIB_DIRS = [*dict.fromkeys(LIB_DIRS), Path("/usr/lib/janus")]  # the first with the VideoRoom plugin wins
# Lost packets per second (NACKs) on a connection that make Janus report ``slowlink`` (0 would
# disable it): on a subscriber, the relay then steps that browser down to a lower video quality.
SLOWLINK_THRESHOLD = 4
KEEP = {
    "plugins": {"libjanus_videoroom.so"},
    "transports": {"libjanus_websockets.so"},
    "loggers": set(),
    "events": set(),
}


def janus_lib_dir() -> Path:
    for path in LIB_DIRS:
        if (path / "plugins" / "libjanus_videoroom.so").exists():
            return path
    raise FileNotFoundError("Janus's plugins were not found: is the Debian package janus installed?")


def default_interface() -> str:
    """The interface of the default route (a real one: ICE cannot use loopback), else the first one up."""
    override = os.environ.get("ROSTRUM_JANUS_ICE_INTERFACE")
    if override:
        return override
    try:
        for line in Path("/proc/net/route").read_text().splitlines()[1:]:
            name, destination = line.split()[:2]
            if destination == "00000000":
                return name
    except OSError:
        pass
    for _index, name in socket.if_nameindex():
        if name != "lo" and is_up(name) and ipv4_address(name):
            return name
    raise RuntimeError("no network interface up with an IPv4 address: set ROSTRUM_JANUS_ICE_INTERFACE")


def is_up(name: str) -> bool:
    try:
        return Path(f"/sys/class/net/{name}/operstate").read_text().strip() in ("up", "unknown")
    except OSError:
        return False


def ipv4_address(name: str) -> str | None:
    """The interface's IPv4 address (``SIOCGIFADDR``), or None."""
    with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as probe:
        try:
            packed = fcntl.ioctl(probe.fileno(), 0x8915, struct.pack("256s", name[:15].encode()))
        except OSError:
            return None
    return socket.inet_ntoa(packed[20:24])


@dataclass
class JanusSettings:
    api_secret: str
    ws_port: int = 8188
    # Where the API listens and whom it answers: loopback on one machine; with several nodes, this
    # node's private address and the app servers' (the app reaches each node, and an edge node
    # receives relayed RTP at the same address: rostrum.media.cascade).
    api_address: str = "127.0.0.1"
    api_acl: str = "127."
    ice_interface: str = field(default_factory=default_interface)
    event_loops: int = field(default_factory=lambda: os.cpu_count() or 1)
    rtp_port_range: str = "20000-40000"
    reclaim_session_timeout: int = 30
    session_timeout: int = 60
    nat_1_1_mapping: str = ""
    stun_server: str = ""  # host:port
    turn: dict = field(default_factory=dict)  # server, port, type, user, pwd
    recordings_dir: str = ""
    admin_secret: str = field(default_factory=lambda: secrets.token_hex(16))  # the admin API is off anyway


def janus_settings(api_secret: str, ws_port: int) -> JanusSettings:
    """Settings for a node started by Rostrum, with production's extras from the environment."""
    env = os.environ.get
    turn = {}
    if env("ROSTRUM_JANUS_TURN_SERVER"):
        turn = {
            "server": env("ROSTRUM_JANUS_TURN_SERVER"),
            "port": int(env("ROSTRUM_JANUS_TURN_PORT", "3478")),
            "type": env("ROSTRUM_JANUS_TURN_TYPE", "udp"),
            "user": env("ROSTRUM_JANUS_TURN_USER", ""),
            "pwd": env("ROSTRUM_JANUS_TURN_PASSWORD", ""),
        }
    return JanusSettings(
        api_secret=api_secret,
        ws_port=ws_port,
        api_address=env("ROSTRUM_JANUS_API_ADDRESS", "127.0.0.1"),
        api_acl=env("ROSTRUM_JANUS_API_ACL", "127."),
        nat_1_1_mapping=env("ROSTRUM_JANUS_NAT_1_1_MAPPING", ""),
        stun_server=env("ROSTRUM_JANUS_STUN_SERVER", ""),
        turn=turn,
    )


def quoted(value) -> str:
    return '"' + str(value).replace("\\", "\\\\").replace('"', '\\"') + '"'


def disabled(lib_dir: Path, kind: str) -> str:
    names = sorted(p.name for p in (lib_dir / kind).glob("*.so") if p.name not in KEEP[kind])
    return quoted(",".join(names))


def janus_jcfg(settings: JanusSettings, lib_dir: Path, conf_dir: Path) -> str:
    nat = [f"ice_enforce_list = {quoted(settings.ice_interface)}", 'ice_ignore_list = "vmnet"', "nice_debug = false"]
    if settings.nat_1_1_mapping:
        nat.append(f"nat_1_1_mapping = {quoted(settings.nat_1_1_mapping)}")
    if settings.stun_server:
        host, _, port = settings.stun_server.partition(":")
        nat += [f"stun_server = {quoted(host)}", f"stun_port = {int(port or 3478)}"]
    if settings.turn:
        turn = settings.turn
        nat += [
            f"turn_server = {quoted(turn['server'])}",
            f"turn_port = {int(turn['port'])}",
            f"turn_type = {quoted(turn['type'])}",
            f"turn_user = {quoted(turn['user'])}",
            f"turn_pwd = {quoted(turn['pwd'])}",
        ]
    nat_lines = "\n    ".join(nat)
    protected = [
        quoted(p) for p in ("/bin", "/boot", "/dev", "/etc", "/lib", "/proc", "/root", "/sbin", "/sys", "/usr")
    ]
    return f"""general: {{
    configs_folder = {quoted(conf_dir)}
    plugins_folder = {quoted(lib_dir / "plugins")}
    transports_folder = {quoted(lib_dir / "transports")}
    events_folder = {quoted(lib_dir / "events")}
    loggers_folder = {quoted(lib_dir / "loggers")}
    debug_level = 4
    server_name = "Rostrum media"
    api_secret = {quoted(settings.api_secret)}
    admin_secret = {quoted(settings.admin_secret)}
    session_timeout = {settings.session_timeout}
    reclaim_session_timeout = {settings.reclaim_session_timeout}
    event_loops = {settings.event_loops}
    protected_folders = [{", ".join(protected)}]
}}
certificates: {{
}}
media: {{
    rtp_port_range = {quoted(settings.rtp_port_range)}
    slowlink_threshold = {SLOWLINK_THRESHOLD}
}}
nat: {{
    {nat_lines}
}}
plugins: {{
    disable = {disabled(lib_dir, "plugins")}
}}
transports: {{
    disable = {disabled(lib_dir, "transports")}
}}
loggers: {{
    disable = {disabled(lib_dir, "loggers")}
}}
events: {{
    broadcast = false
    disable = {disabled(lib_dir, "events")}
}}
"""


def websockets_jcfg(settings: JanusSettings) -> str:
    return f"""general: {{
    json = "compact"
    ws = true
    ws_port = {settings.ws_port}
    ws_ip = {quoted(settings.api_address)}
    ws_acl = {quoted(settings.api_acl)}
    wss = false
}}
admin: {{
    admin_ws = false
    admin_wss = false
}}
"""


def videoroom_jcfg(settings: JanusSettings) -> str:
    # Rooms are made by the app at run time (private, with secrets); none is configured here.
    return """general: {
    lock_rtp_forward = true
}
"""


def write_config(settings: JanusSettings, conf_dir: Path) -> Path:
    """Write the node's configuration into ``conf_dir``; returns it."""
    lib_dir = janus_lib_dir()
    conf_dir.mkdir(parents=True, exist_ok=True)
    files = {
        "janus.jcfg": janus_jcfg(settings, lib_dir, conf_dir),
        "janus.transport.websockets.jcfg": websockets_jcfg(settings),
        "janus.plugin.videoroom.jcfg": videoroom_jcfg(settings),
    }
    for name, text in files.items():
        path = conf_dir / name
        path.write_text(text)
        path.chmod(0o600)  # it holds the API secret
    return conf_dir
