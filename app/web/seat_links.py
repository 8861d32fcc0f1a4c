"""Personal links: one per delegation, which seats whoever opens it in that delegation directly.

A link carries a code derived from the instructor's secret (HMAC), the session and the delegation:
nothing is stored, the instructor can print the links again at any time, and nobody can make one
without the secret. A link seats its holder in any join mode (locked included) and is the only way
into a delegation reserved for a named student; it still needs room in the delegation.
"""

from __future__ import annotations

import base64
import hashlib
import hmac

from app.settings import Settings

LINK_LENGTH = 16


def _key(settings: Settings) -> bytes:
    secret = settings.instructor_token.get_secret_value().encode()
    return hmac.new(secret, b"unsc-sim personal seat link v1", hashlib.sha256).digest()


def link_code(settings: Settings, session_id: str, member: str) -> str:
    mac = hmac.new(_key(settings), f"{session_id}\n{member}".encode(), hashlib.sha256).digest()
    return base64.urlsafe_b64encode(mac).decode()[:LINK_LENGTH]


def link_matches(settings: Settings, session_id: str, member: str, offered: str) -> bool:
    return hmac.compare_digest(link_code(settings, session_id, member).encode(), offered.encode()[:64])


def link_path(settings: Settings, session_id: str, join_code: str, member: str) -> str:
    return f"/join/{join_code}/{member}/{link_code(settings, session_id, member)}"
