"""The scenarios folder: each file read once, re-read when it changes, safe to share between threads.

A request does not stat every file. The folder's own mtime (one stat) shows files added, removed
or renamed, including every save made here; a full rescan at most once a second catches files
edited in place. Files changed in the last minute are being worked on, so they are checked on
every call, and ``get`` checks the one file it returns: an instructor who fixes a file in a text
editor sees the fix on the next reload.
"""

from __future__ import annotations

import contextlib
import hashlib
import os
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from app.domain.errors import Conflict, InvalidScenario, NotFound, Problem
from app.domain.scenario import Scenario
from app.domain.text import N_, Phrase
from app.scenarios.ids import SUFFIXES, check_id, id_message, is_scenario_file, is_valid_id, scenario_id
from app.scenarios.parse import load_file, load_text
from app.scenarios.write import write_atomically

RESCAN_SECONDS = 1.0
RECENT_NANOSECONDS = 60 * 10**9

Stamp = tuple[int, int]  # (mtime_ns, size): what tells a changed file from the one already read


@dataclass(frozen=True)
class Entry:
    """One file of the scenarios folder: valid (with its scenario) or not (with its error)."""

    id: str
    path: Path
    scenario: Scenario | None = None
    error: InvalidScenario | None = None


def taken_message(ident: str) -> str:
    """Why a new file cannot have this name, in the words the editor and the upload form show."""
    return Phrase(N_("a scenario named %(ident)r already exists; choose another name"), ident=ident)


def unknown_message(ident: str) -> str:
    """Why there is no scenario to show under this id."""
    return Phrase(N_("no scenario %(ident)r"), ident=ident)


def gone_message(ident: str) -> str:
    """Why an edit cannot be saved over the file it opened: the file is no longer there."""
    return Phrase(N_("%(ident)r was deleted or renamed since you opened it; save it under a new name"), ident=ident)


def content_hash(raw: bytes) -> str:
    """What an editor remembers of the file it opened, to notice a change made meanwhile."""
    return hashlib.sha256(raw).hexdigest()


def _stamp(path: Path) -> Stamp | None:
    try:
        stat = path.stat()
    except OSError:
        return None
    return stat.st_mtime_ns, stat.st_size


def _read(path: Path) -> Entry | None:
    """The entry for one file, or None if the file is gone (replaced or removed while it was read)."""
    ident = scenario_id(path)
    if not is_valid_id(ident):
        return Entry(ident, path, error=InvalidScenario([Problem((), id_message(ident))], path.name))
    try:
        return Entry(ident, path, scenario=load_file(path))
    except InvalidScenario as invalid:
        if not path.exists():
            return None
        return Entry(ident, path, error=InvalidScenario(invalid.problems, path.name))


def _without_duplicates(entries: list[Entry]) -> list[Entry]:
    seen: set[str] = set()
    unique: list[Entry] = []
    for entry in entries:
        if entry.id in seen:
            problem = Problem(
                (), Phrase(N_("another file already has the name %(ident)r; rename one of them"), ident=entry.id)
            )
            entry = Entry(entry.id, entry.path, error=InvalidScenario([problem], entry.path.name))
        seen.add(entry.id)
        unique.append(entry)
    return unique


class Library:
    """The scenarios folder, re-read as files change, so edits show without a restart."""

    def __init__(self, folder: Path, *, clock: Callable[[], float] = time.monotonic) -> None:
        self.folder = folder
        self._clock = clock
        self._lock = threading.Lock()  # guards everything below
        self._write_lock = threading.Lock()  # one save at a time, so two cannot both create a file
        self._read_files: dict[Path, tuple[Stamp, Entry]] = {}
        self._entries: list[Entry] = []
        self._folder_mtime: int | None = None
        self._scanned_at: float | None = None

    def entries(self) -> list[Entry]:
        """Every scenario file, valid or not, sorted by file name."""
        with self._lock:
            self._refresh()
            return list(self._entries)

    def get(self, ident: str) -> Scenario:
        """The valid scenario with this id, or ``NotFound`` (also for ids outside the allowlist)."""
        if not is_valid_id(ident):
            raise NotFound(unknown_message(ident))
        entry = next((e for e in self.entries() if e.id == ident), None)
        entry = self._current(entry) if entry is not None else None
        if entry is None:
            raise NotFound(unknown_message(ident))
        if entry.error is not None:
            raise entry.error
        assert entry.scenario is not None
        return entry.scenario

    def read_source(self, ident: str) -> tuple[Path, bytes]:
        """The file behind a scenario id, as bytes (for download, duplication and round-trip edits)."""
        if is_valid_id(ident):
            path = self._source_path(ident) or next((e.path for e in self.entries() if e.id == ident), None)
            try:
                if path is not None:
                    return path, path.read_bytes()
            except OSError:
                pass
        raise NotFound(unknown_message(ident))

    def save(self, ident: str, text: str, expected_hash: str | None) -> Path:
        """Validate and write a scenario. ``expected_hash`` None means a new file, which must not exist yet;
        otherwise the file must still be as it was when the editor opened it."""
        check_id(ident)
        load_text(text, f"{ident}.yaml")
        with self._write_lock:
            existing = self._source_path(ident)
            if expected_hash is None:
                if existing is not None:
                    raise Conflict(taken_message(ident))
                path = self.folder / f"{ident}.yaml"
            else:
                if existing is None:
                    raise Conflict(gone_message(ident))
                if content_hash(existing.read_bytes()) != expected_hash:
                    # Translators: %(file)s is the scenario's file name.
                    changed = N_(
                        "%(file)s changed since you opened it (another instructor, or a text editor); "
                        "your edits are still below: copy what you need, reload, and apply them again"
                    )
                    raise Conflict(Phrase(changed, file=existing.name))
                path = existing
            write_atomically(path, text)
        with self._lock:
            self._scanned_at = None
        return path

    def is_taken(self, ident: str) -> bool:
        """Whether a new file may not have this name: this folder has one (a save would refuse it)."""
        return is_valid_id(ident) and self._source_path(ident) is not None

    def _source_path(self, ident: str) -> Path | None:
        for suffix in SUFFIXES:
            candidate = self.folder / f"{ident}{suffix}"
            if candidate.is_file():
                return candidate
        return None

    def _refresh(self) -> None:
        """Bring the cache up to date; the caller holds the lock."""
        folder_stamp = _stamp(self.folder)
        folder_mtime = folder_stamp[0] if folder_stamp else None
        now = self._clock()
        due = self._scanned_at is None or now - self._scanned_at >= RESCAN_SECONDS
        if due or folder_mtime != self._folder_mtime or self._recent_file_changed():
            self._folder_mtime = folder_mtime
            self._scanned_at = now
            self._scan()

    def _recent_file_changed(self) -> bool:
        since = time.time_ns() - RECENT_NANOSECONDS
        return any(stamp[0] >= since and _stamp(path) != stamp for path, (stamp, _) in self._read_files.items())

    def _scan(self) -> None:
        read: dict[Path, tuple[Stamp, Entry]] = {}
        for path in sorted(p for p in self._listing() if is_scenario_file(p)):
            stamp = _stamp(path)
            cached = self._read_files.get(path)
            if stamp is not None and cached is not None and cached[0] == stamp:
                read[path] = cached
            elif stamp is not None:
                entry = _read(path)
                if entry is not None:
                    read[path] = (stamp, entry)
            # else the file went between the listing and now: the folder's new mtime brings a rescan
        self._read_files = read
        self._entries = _without_duplicates([entry for _, entry in read.values()])

    def _listing(self) -> list[Path]:
        files: list[Path] = []
        try:
            with os.scandir(self.folder) as listing:
                for item in listing:
                    with contextlib.suppress(OSError):
                        if item.is_file():  # from the directory entry itself on most systems: no stat
                            files.append(Path(item.path))
        except OSError:
            pass
        return files

    def _current(self, entry: Entry) -> Entry | None:
        """``entry`` as its file is now: the one file a request uses is always checked."""
        with self._lock:
            cached = self._read_files.get(entry.path)
            if cached is None:
                return entry  # another library's file (a layered library): that library keeps it fresh
            if _stamp(entry.path) == cached[0]:
                return entry
            self._scan()
            return next((e for e in self._entries if e.id == entry.id), None)
