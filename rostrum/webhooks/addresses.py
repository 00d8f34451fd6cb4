"""Where a webhook may point: public addresses only (no SSRF into our own network).

A URL is checked when it is saved and again before every attempt, since DNS answers change. Every
address the host resolves to must be public; the attempt then connects to one of exactly those
vetted addresses (``resolve_public``), so a DNS answer that changes between the check and the
connection (rebinding) cannot send it elsewhere. ``settings.WEBHOOK_ALLOWED_NETWORKS`` (CIDRs) lets
an operator allow chosen private networks.
"""

import ipaddress
import socket
from dataclasses import dataclass
from urllib.parse import urlsplit

from django.conf import settings
from django.utils.translation import gettext as _

from rostrum.webhooks.errors import WebhooksError

IPAddress = ipaddress.IPv4Address | ipaddress.IPv6Address

# IPv6 prefixes that carry an IPv4 address in their last 32 bits (NAT64 well-known and local-use).
_NAT64 = (ipaddress.ip_network("64:ff9b::/96"), ipaddress.ip_network("64:ff9b:1::/48"))
# Not global, but Python 3.11's is_private misses it: carrier-grade NAT (RFC 6598).
_SHARED = ipaddress.ip_network("100.64.0.0/10")


@dataclass(frozen=True)
class Target:
    scheme: str
    host: str  # as written (a name, or an address without brackets)
    port: int
    path: str  # path and query, what the request line carries


def parse(url: str) -> Target:
    """Scheme, host, port and path of ``url``; raises WebhooksError for what a webhook may not be."""
    try:
        parts = urlsplit(url.strip())
        port = parts.port
    except ValueError:
        raise WebhooksError("invalid_url", _("Enter a valid URL.")) from None
    if parts.scheme not in ("http", "https"):
        raise WebhooksError("scheme", _("Only http:// and https:// addresses can receive webhooks."))
    if not parts.hostname:
        raise WebhooksError("invalid_url", _("Enter a valid URL."))
    if parts.username is not None or parts.password is not None:
        raise WebhooksError("credentials", _("Leave user names and passwords out of the address."))
    path = parts.path or "/"
    if parts.query:
        path += "?" + parts.query
    return Target(parts.scheme, parts.hostname, port or (443 if parts.scheme == "https" else 80), path)


def _embedded_ipv4(address: IPAddress) -> ipaddress.IPv4Address | None:
    """The IPv4 address an IPv6 one stands for (mapped, 6to4, Teredo, NAT64), if any."""
    if address.version != 6:
        return None
    if address.ipv4_mapped:
        return address.ipv4_mapped
    if address.sixtofour:
        return address.sixtofour
    if address.teredo:
        return address.teredo[1]
    if any(address in network for network in _NAT64):
        return ipaddress.IPv4Address(int(address) & 0xFFFFFFFF)
    return None


def _is_allowed_by_operator(address: IPAddress) -> bool:
    networks = [ipaddress.ip_network(cidr, strict=False) for cidr in settings.WEBHOOK_ALLOWED_NETWORKS]
    return any(address.version == network.version and address in network for network in networks)


def is_public(address: IPAddress) -> bool:
    """Reachable on the Internet: not private, loopback, link-local (cloud metadata), multicast,
    reserved, unspecified or shared; an IPv6 address carrying an IPv4 one is judged by that one."""
    embedded = _embedded_ipv4(address)
    if embedded is not None:
        return is_public(embedded)
    return not (
        address.is_private
        or address.is_loopback
        or address.is_link_local
        or address.is_multicast
        or address.is_reserved
        or address.is_unspecified
        or not address.is_global
        or address in _SHARED
    )


def is_permitted(address: IPAddress) -> bool:
    embedded = _embedded_ipv4(address)
    return (
        is_public(address) or _is_allowed_by_operator(address) or bool(embedded and _is_allowed_by_operator(embedded))
    )


def _address_of(sockaddr_host: str) -> IPAddress:
    return ipaddress.ip_address(sockaddr_host.split("%", 1)[0])  # drop an IPv6 zone ("fe80::1%eth0")


def resolve(host: str, port: int) -> list[IPAddress]:
    """Every address ``host`` resolves to, in the resolver's order (an address literal is itself)."""
    try:
        answers = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM)
    except (socket.gaierror, UnicodeError) as error:
        raise WebhooksError("unresolvable", _("This host name could not be found.")) from error
    addresses = []
    for _family, _type, _proto, _name, sockaddr in answers:
        address = _address_of(sockaddr[0])
        if address not in addresses:
            addresses.append(address)
    if not addresses:
        raise WebhooksError("unresolvable", _("This host name could not be found."))
    return addresses


def resolve_public(target: Target) -> list[IPAddress]:
    """The addresses to connect to for ``target``; refused if any of them is not public (or allowed)."""
    addresses = resolve(target.host, target.port)
    if not all(is_permitted(address) for address in addresses):
        raise WebhooksError("private_address", _("This address points to a private network."))
    return addresses


def check_url(url: str) -> Target:
    """What saving a webhook asks: a well-formed http(s) URL whose host resolves to public addresses."""
    target = parse(url)
    resolve_public(target)
    return target
