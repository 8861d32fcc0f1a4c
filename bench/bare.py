"""Bare POST endpoints under the same uvicorn as the server, each reading its body and answering JSON.

``asgi``: a bare ASGI callable, the least a Python server can do per request. ``fastapi``: one trivial
route of a FastAPI app, what the framework itself costs before any work. The vote benchmark compares
the server's durable votes per second with both, measured in the same run.
Run: python -m bench.bare PORT [asgi|fastapi]
"""

from __future__ import annotations

import sys
from typing import Any

import uvicorn


async def app(scope: dict[str, Any], receive: Any, send: Any) -> None:
    if scope["type"] != "http":
        return
    more = True
    while more:
        message = await receive()
        more = message.get("more_body", False)
    body = b'{"status":"ok"}'
    headers = [(b"content-type", b"application/json"), (b"content-length", str(len(body)).encode())]
    await send({"type": "http.response.start", "status": 200, "headers": headers})
    await send({"type": "http.response.body", "body": body})


def fastapi_app() -> Any:
    from fastapi import FastAPI

    framework = FastAPI()

    @framework.post("/bare")
    async def bare() -> dict[str, str]:
        return {"status": "ok"}

    return framework


if __name__ == "__main__":
    kind = sys.argv[2] if len(sys.argv) > 2 else "asgi"
    uvicorn.run(
        app if kind == "asgi" else fastapi_app(),
        host="127.0.0.1",
        port=int(sys.argv[1]),
        log_level="warning",
        access_log=False,
    )
