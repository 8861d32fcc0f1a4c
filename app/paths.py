"""Where the project's own folders are, resolved from the package, never from the current directory."""

from __future__ import annotations

from pathlib import Path

PROJECT_ROOT = Path(__file__).resolve().parent.parent
TEMPLATES = PROJECT_ROOT / "templates"
STATIC = PROJECT_ROOT / "static"
BUNDLED_SCENARIOS = PROJECT_ROOT / "scenarios"
