"""A user's scenarios folder is served with the bundled scenarios; a file of the same name replaces a bundled one."""

from __future__ import annotations

from pathlib import Path

from app import paths
from app.layered_library import LayeredLibrary, library_for
from app.settings import Settings
from tests.conftest import BUNDLED


def own_folder(tmp_path: Path) -> Path:
    folder = tmp_path / "mine"
    folder.mkdir()
    (folder / "my-question.yaml").write_bytes((BUNDLED / "syria-2018-agenda.yaml").read_bytes())
    council = (BUNDLED / "council-2026.yaml").read_text(encoding="utf-8")
    (folder / "council-2026.yaml").write_text(council.replace('title: "', 'title: "Ours: ', 1), encoding="utf-8")
    return folder


def test_the_users_folder_comes_first_and_replaces_bundled_files(tmp_path: Path) -> None:
    library = library_for(Settings(scenarios_dir=own_folder(tmp_path), data_dir=tmp_path / "data"))
    assert isinstance(library, LayeredLibrary) and library.folder == tmp_path / "mine"
    entries = library.entries()
    ids = [entry.id for entry in entries]
    assert len(ids) == len(set(ids))
    assert set(ids) == {"my-question"} | {path.stem for path in BUNDLED.glob("*.yaml")}
    assert library.get("council-2026").title.startswith("Ours: ")
    assert library.get("syria-2018-agenda").title == library.beneath.get("syria-2018-agenda").title
    assert next(e for e in entries if e.id == "council-2026").path.parent == tmp_path / "mine"


def test_no_bundled_serves_the_users_folder_alone(tmp_path: Path) -> None:
    settings = Settings(scenarios_dir=own_folder(tmp_path), bundled_scenarios=False, data_dir=tmp_path / "data")
    assert {entry.id for entry in library_for(settings).entries()} == {"my-question", "council-2026"}


def test_the_bundled_folder_alone_is_not_listed_twice(tmp_path: Path) -> None:
    library = library_for(Settings(data_dir=tmp_path / "data"))
    assert not isinstance(library, LayeredLibrary)
    assert library.folder == paths.BUNDLED_SCENARIOS


def test_bundled_folders_are_found_from_the_package_not_the_current_directory() -> None:
    for folder in (paths.TEMPLATES, paths.STATIC, paths.BUNDLED_SCENARIOS):
        assert folder.is_absolute() and folder.is_dir()
    assert paths.BUNDLED_SCENARIOS.resolve() == BUNDLED.resolve()
