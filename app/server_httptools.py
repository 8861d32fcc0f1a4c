"""The httptools flavour of ``app.server.GuardedH11Protocol``: imported only when httptools is installed."""

from __future__ import annotations

from uvicorn.protocols.http.httptools_impl import HttpToolsProtocol

from app.server import Guarded


class GuardedHttpToolsProtocol(Guarded, HttpToolsProtocol):  # type: ignore[misc]  # as in app.server
    pass
