"""The scenarios folder: broken files listed beside good ones, edits seen without a restart, safe across threads."""

from __future__ import annotations

import os
import threading
import time
from pathlib import Path
from typing import Any

import pytest

from app.domain.errors import Conflict, InvalidScenario, NotFound
from app.scenarios import Library, content_hash, id_message
from app.scenarios import folder as folder_module


class Clock:
    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


def make_old(path: Path) -> None:
    """As if the file had been written long ago: not one someone is working on now."""
    old = time.time() - 3600
    os.utime(path, (old, old))


def test_library_keeps_good_files_when_one_is_broken(scenario_dir: Path) -> None:
    (scenario_dir / "broken.yaml").write_text("title: [\n", encoding="utf-8")
    (scenario_dir / "Bad Name.yaml").write_text("x", encoding="utf-8")
    library = Library(scenario_dir)
    entries = {e.id: e for e in library.entries()}
    assert entries["good"].scenario is not None
    assert entries["broken"].error is not None and "broken.yaml" in str(entries["broken"].error)
    assert "file name" in str(entries["Bad Name"].error)
    assert entries["Bad Name"].error.problems[0].message == id_message("Bad Name")  # type: ignore[union-attr]
    assert library.get("good").title == "A test question"
    with pytest.raises(InvalidScenario):
        library.get("broken")
    for ident in ["missing", "../etc/passwd", "..", "Good"]:
        with pytest.raises(NotFound):
            library.get(ident)


def test_two_files_with_one_id(scenario_dir: Path, good_yaml: str) -> None:
    (scenario_dir / "good.yml").write_text(good_yaml, encoding="utf-8")
    entries = Library(scenario_dir).entries()
    assert [e.path.name for e in entries] == ["good.yaml", "good.yml"]
    assert entries[1].error is not None and "already has the name" in str(entries[1].error)


def test_library_sees_edits_without_restart(scenario_dir: Path, good_yaml: str) -> None:
    library = Library(scenario_dir)
    assert library.get("good").title == "A test question"
    (scenario_dir / "good.yaml").write_text(good_yaml.replace("A test question", "Edited title!"), encoding="utf-8")
    assert library.get("good").title == "Edited title!"
    (scenario_dir / "good.yaml").unlink()
    assert library.entries() == []


def test_an_old_file_edited_in_place_is_listed_anew_within_a_second(scenario_dir: Path, good_yaml: str) -> None:
    path = scenario_dir / "good.yaml"
    make_old(path)
    clock = Clock()
    library = Library(scenario_dir, clock=clock)
    assert library.entries()[0].scenario.title == "A test question"  # type: ignore[union-attr]
    path.write_text(good_yaml.replace("A test question", "Edited in place"), encoding="utf-8")
    clock.now += 0.5
    assert library.entries()[0].scenario.title == "A test question"  # type: ignore[union-attr]
    clock.now += 0.5
    assert library.entries()[0].scenario.title == "Edited in place"  # type: ignore[union-attr]


def test_get_always_checks_the_file_it_returns(scenario_dir: Path, good_yaml: str) -> None:
    path = scenario_dir / "good.yaml"
    make_old(path)
    library = Library(scenario_dir, clock=Clock())
    assert library.get("good").title == "A test question"
    path.write_text(good_yaml.replace("A test question", "Fixed"), encoding="utf-8")
    assert library.get("good").title == "Fixed"
    assert library.entries()[0].scenario.title == "Fixed"  # type: ignore[union-attr]


def test_added_and_removed_files_show_at_once(scenario_dir: Path, good_yaml: str) -> None:
    library = Library(scenario_dir, clock=Clock())
    assert [e.id for e in library.entries()] == ["good"]
    (scenario_dir / "other.yaml").write_text(good_yaml, encoding="utf-8")
    assert [e.id for e in library.entries()] == ["good", "other"]
    (scenario_dir / "good.yaml").unlink()
    assert [e.id for e in library.entries()] == ["other"]


def test_a_quick_second_call_stats_only_the_folder(
    scenario_dir: Path, good_yaml: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    for index in range(20):
        (scenario_dir / f"s{index}.yaml").write_text(good_yaml, encoding="utf-8")
    for path in scenario_dir.iterdir():
        make_old(path)
    library = Library(scenario_dir, clock=Clock())
    library.entries()
    statted: list[Path] = []
    real = folder_module._stamp

    def stamp(path: Path) -> Any:
        statted.append(path)
        return real(path)

    monkeypatch.setattr(folder_module, "_stamp", stamp)
    for _ in range(5):
        assert len(library.entries()) == 21
    assert statted == [scenario_dir] * 5


def test_save_refuses_what_would_lose_work(scenario_dir: Path, good_yaml: str) -> None:
    library = Library(scenario_dir)
    with pytest.raises(Conflict, match="already exists"):
        library.save("good", good_yaml, None)
    with pytest.raises(Conflict, match="changed since you opened it"):
        library.save("good", good_yaml, content_hash(b"something else"))
    with pytest.raises(Conflict, match="deleted or renamed"):
        library.save("gone", good_yaml, content_hash(b""))
    with pytest.raises(InvalidScenario, match="cannot be a file name"):
        library.save("../evil", good_yaml, None)
    path = library.save("good", good_yaml.replace("A test question", "Saved"), content_hash(good_yaml.encode()))
    assert path == scenario_dir / "good.yaml" and library.get("good").title == "Saved"


def test_the_cache_is_safe_under_threads(scenario_dir: Path, good_yaml: str) -> None:
    """Eight readers list and fetch while a writer rewrites files, adds one and removes it again."""
    titles = {f"Title {n}" for n in range(5)}
    for name in ("a", "b", "c"):
        (scenario_dir / f"{name}.yaml").write_text(good_yaml.replace("A test question", "Title 0"), encoding="utf-8")
    library = Library(scenario_dir)
    stop = threading.Event()
    failures: list[BaseException] = []
    reads = [0] * 8

    def writer() -> None:
        from app.scenarios import write_atomically

        n = 0
        try:
            while not stop.is_set():
                n += 1
                for name in ("a", "b", "c"):
                    text = good_yaml.replace("A test question", f"Title {n % 5}")
                    write_atomically(scenario_dir / f"{name}.yaml", text)
                extra = scenario_dir / "extra.yaml"
                if n % 2:
                    write_atomically(extra, good_yaml.replace("A test question", "Title 1"))
                else:
                    extra.unlink(missing_ok=True)
        except BaseException as error:
            failures.append(error)

    def reader(index: int) -> None:
        try:
            while not stop.is_set():
                entries = library.entries()
                assert {e.id for e in entries} <= {"a", "b", "c", "extra", "good"}
                bad = [e for e in entries if e.error is not None]
                assert not bad, [(e.path.name, str(e.error)) for e in bad]
                for name in ("a", "b", "c"):
                    assert library.get(name).title in titles
                reads[index] += 1
        except BaseException as error:
            failures.append(error)
            stop.set()

    threads = [threading.Thread(target=writer)] + [threading.Thread(target=reader, args=(i,)) for i in range(8)]
    for thread in threads:
        thread.start()
    time.sleep(1.5)
    stop.set()
    for thread in threads:
        thread.join(timeout=10)
    assert not failures, failures[0]
    assert all(reads), reads
