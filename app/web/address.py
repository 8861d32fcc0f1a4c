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


def network_address() -> str | None:
    """This machine's own non-loopback IPv4 address, as its name resolves; None if it has none."""
    try:
        _, _, addresses = socket.gethostbyname_ex(socket.gethostname())
    except OSError:
        return None
    usable = [a for a in addresses if not ipaddress.ip_address(a).is_loopback]
    return usable[0] if usable else None


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
