"""The domain stays pure: no web framework, database, templates or file system."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

DOMAIN = Path(__file__).resolve().parents[2] / "app" / "domain"
FORBIDDEN = {"fastapi", "starlette", "jinja2", "sqlalchemy", "uvicorn", "yaml", "os", "pathlib", "io", "shutil", "open"}
# Nor the layers above it: the domain is what they are built on, never the other way round.
FORBIDDEN_LAYERS = ("app.store", "app.web", "app.sessions", "app.live", "app.scenarios", "app.serve", "app.cli")


@pytest.mark.parametrize("path", sorted(DOMAIN.glob("*.py")), ids=lambda p: p.name)
def test_domain_module_imports_nothing_impure(path: Path) -> None:
    tree = ast.parse(path.read_text(encoding="utf-8"))
    imported: set[str] = set()
    modules: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            imported |= {alias.name.split(".")[0] for alias in node.names}
            modules |= {alias.name for alias in node.names}
        elif isinstance(node, ast.ImportFrom) and node.module:
            imported.add(node.module.split(".")[0])
            modules.add(node.module)
        elif isinstance(node, ast.Call) and isinstance(node.func, ast.Name) and node.func.id == "open":
            imported.add("open")
    assert not imported & FORBIDDEN, f"{path.name} uses {sorted(imported & FORBIDDEN)}"
    layers = sorted(m for m in modules if m.startswith(FORBIDDEN_LAYERS))
    assert not layers, f"{path.name} reaches up into {layers}"
