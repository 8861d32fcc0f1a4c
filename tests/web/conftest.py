from __future__ import annotations

import shutil
from collections.abc import Iterator
from pathlib import Path

import pytest
from fastapi.testclient import TestClient

from app.settings import Settings
from app.web import create_app
from tests.conftest import BUNDLED


@pytest.fixture
def scenarios(tmp_path: Path) -> Path:
    """A copy of the bundled scenarios, plus one broken file, so every test may edit its own."""
    folder = tmp_path / "scenarios"
    shutil.copytree(BUNDLED, folder)
    (folder / "broken.yaml").write_text(
        "title: Broken\nquestion: x\nmembers:\n  - code: usa\n    name: U\n", encoding="utf-8"
    )
    return folder


@pytest.fixture
def client(scenarios: Path, tmp_path: Path) -> Iterator[TestClient]:
    app = create_app(Settings(scenarios_dir=scenarios, data_dir=tmp_path / "data"))
    with TestClient(app, headers={"Accept": "text/html,application/xhtml+xml"}) as test_client:
        yield test_client
