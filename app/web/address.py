"""The address that join links and QR codes carry: configured, never taken from a request's headers.

A request's Host header is whatever the client sent; printing it on the projector would let anyone
redirect a whole class. So the address comes from ``--public-url`` (``UNSC_SIM_PUBLIC_URL``), for a
server behind a proxy or a name, or else from the address the server listens on, with the
machine's network address in place of "every interface".
"""

from __future__ import annotations

import ipaddress
import socket

from app.settings import Settings

EVERY_INTERFACE = {"0.0.0.0", "::", ""}


def _interface_addresses() -> list[str]:
    """The IPv4 address of each network interface (Linux: SIOCGIFADDR), without sending anything anywhere."""
    try:
        import fcntl
        import struct
    except ImportError:  # not on this system
        return []
    found = []
    with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as probe:
        for _, name in socket.if_nameindex():
            try:
                packed = fcntl.ioctl(probe.fileno(), 0x8915, struct.pack("256s", name[:15].encode()))
            except OSError:
                continue  # no IPv4 address on this interface
            found.append(socket.inet_ntoa(packed[20:24]))
    return found


def _name_addresses() -> list[str]:
    try:
        return socket.gethostbyname_ex(socket.gethostname())[2]
    except OSError:
        return []


def network_address() -> str | None:
    """This machine's own address on its network (a private one first); None if it has only loopback."""
    candidates = [ipaddress.ip_address(a) for a in _interface_addresses() + _name_addresses()]
    usable = [a for a in candidates if not (a.is_loopback or a.is_link_local or a.is_unspecified)]
    usable.sort(key=lambda a: not a.is_private)
    return str(usable[0]) if usable else None


def public_base(settings: Settings) -> str:
    """``scheme://host:port`` for links that others open: the configured one, or where the server listens."""
    if settings.public_url:
        return settings.public_url.rstrip("/")
    host = settings.host
    if host in EVERY_INTERFACE:
        host = network_address() or "127.0.0.1"
    if ":" in host:
        host = f"[{host}]"
    return f"http://{host}:{settings.port}"


def is_loopback(base: str) -> bool:
    """Whether an address (``http://host:port``) points at the computer that opens it: no phone can use it."""
    host = base.split("://", 1)[-1].split("/", 1)[0].rsplit(":", 1)[0].strip("[]")
    if host == "localhost":
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False
