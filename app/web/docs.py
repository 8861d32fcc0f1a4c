"""``/docs``: the HTTP API described from the app's own OpenAPI document, served with no CDN."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse, Response

from app.web.deps import TemplatesDep

router = APIRouter(include_in_schema=False)


def _schema_name(schema: dict[str, Any] | None) -> str:
    if not schema:
        return ""
    ref = schema.get("$ref") or schema.get("items", {}).get("$ref", "")
    return str(ref).rsplit("/", 1)[-1] if ref else str(schema.get("type", ""))


@router.get("/docs", response_class=HTMLResponse)
def api_docs(request: Request, templates: TemplatesDep) -> Response:
    """Each endpoint of the API with its parameters, body and answers."""
    spec = request.app.openapi()
    operations = []
    for path, methods in spec["paths"].items():
        for method, op in methods.items():
            body = op.get("requestBody", {}).get("content", {}).get("application/json", {}).get("schema")
            responses = [
                {
                    "status": status,
                    "description": r.get("description", ""),
                    "schema": _schema_name(r.get("content", {}).get("application/json", {}).get("schema")),
                }
                for status, r in op.get("responses", {}).items()
            ]
            operations.append(
                {
                    "method": method.upper(),
                    "path": path,
                    "summary": op.get("summary", ""),
                    "description": op.get("description", ""),
                    "parameters": op.get("parameters", []),
                    "body": _schema_name(body),
                    "responses": responses,
                    "anchor": f"{method}-{path}".replace("/", "-"),
                }
            )
    return templates.TemplateResponse(request, "docs.html", {"operations": operations, "info": spec["info"]})
