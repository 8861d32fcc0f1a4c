"""Where the templates, static files and bundled scenarios are: inside the installed package (``app/_bundled``,
put there by setup.py) or, in a checkout or an editable install, beside ``app/``. Never the current directory."""

from __future__ import annotations

from pathlib import Path

PACKAGE = Path(__file__).resolve().parent


def _root() -> Path:
    inside = PACKAGE / "_bundled"
    return inside if (inside / "templates").is_dir() else PACKAGE.parent


PROJECT_ROOT = _root()
TEMPLATES = PROJECT_ROOT / "templates"
STATIC = PROJECT_ROOT / "static"
BUNDLED_SCENARIOS = PROJECT_ROOT / "scenarios"
