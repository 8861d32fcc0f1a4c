"""The httptools flavour of ``app.server.GuardedH11Protocol``: imported only when httptools is installed."""

from __future__ import annotations

import asyncio

from uvicorn.protocols.http.httptools_impl import HttpToolsProtocol

from app.server import _doorman


class GuardedHttpToolsProtocol(HttpToolsProtocol):
    def connection_made(self, transport: asyncio.Transport) -> None:  # type: ignore[override]
        super().connection_made(transport)
        doorman = _doorman(self.config)
        doorman.wait(self, self.loop)
        doorman.make_room(len(self.connections), self)

    def connection_lost(self, exc: Exception | None) -> None:
        _doorman(self.config).left(self)
        super().connection_lost(exc)

    def on_response_complete(self) -> None:
        if not self.transport.is_closing():
            _doorman(self.config).wait(self, self.loop)  # for the next request on this keep-alive connection
        super().on_response_complete()

    def busy(self) -> bool:
        return self.cycle is not None and not self.cycle.response_complete

    def receiving_body(self) -> bool:
        return self.cycle is not None and self.cycle.more_body and not self.cycle.response_complete
