"""Atomic writes: whole files or none, with the permissions of the file replaced or the process's umask."""

from __future__ import annotations

import os
import stat
from pathlib import Path

import pytest

from app.scenarios import Library, content_hash, write_atomically


def mode(path: Path) -> int:
    return stat.S_IMODE(path.stat().st_mode)


def test_a_failed_write_leaves_the_old_file_whole(
    tmp_path: Path, good_yaml: str, monkeypatch: pytest.MonkeyPatch
) -> None:

    path = tmp_path / "good.yaml"
    path.write_text(good_yaml, encoding="utf-8")

    def crash(*_args: object) -> None:
        raise OSError("disk pulled out")

    monkeypatch.setattr("app.scenarios.write.os.replace", crash)
    with pytest.raises(OSError):
        Library(tmp_path).save("good", good_yaml.replace("A test question", "New"), content_hash(path.read_bytes()))
    assert path.read_text(encoding="utf-8") == good_yaml
    assert [p.name for p in tmp_path.iterdir()] == ["good.yaml"]  # no temporary file left behind


def test_a_new_file_gets_the_mode_of_the_umask_not_0600(tmp_path: Path, umask: int) -> None:
    write_atomically(tmp_path / "new.yaml", "title: x\n")
    assert mode(tmp_path / "new.yaml") == 0o666 & ~umask == 0o640


@pytest.mark.usefixtures("umask")
@pytest.mark.parametrize("kept", [0o644, 0o664, 0o600])
def test_a_replaced_file_keeps_its_mode(tmp_path: Path, kept: int) -> None:
    path = tmp_path / "old.yaml"
    path.write_text("title: x\n", encoding="utf-8")
    path.chmod(kept)
    write_atomically(path, "title: y\n")
    assert mode(path) == kept and path.read_text(encoding="utf-8") == "title: y\n"


@pytest.mark.skipif(not hasattr(os, "geteuid") or os.geteuid() != 0, reason="only root may give a file away")
def test_a_replaced_file_keeps_its_owner(tmp_path: Path) -> None:
    path = tmp_path / "theirs.yaml"
    path.write_text("title: x\n", encoding="utf-8")
    os.chown(path, 4321, 4322)
    write_atomically(path, "title: y\n")
    assert (path.stat().st_uid, path.stat().st_gid) == (4321, 4322)
