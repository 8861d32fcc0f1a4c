"""Reading scenario files: YAML (or JSON) on disk to validated ``Scenario`` objects.

This is the only module that reads scenario files. Loading is defensive, because instructors
write these files by hand and some files come from strangers: a size cap, strict UTF-8, the
safe loader, no anchors or aliases (no "billion laughs"), no tags beyond plain data, no
duplicate keys, and YAML 1.2 booleans so that ``vote: no`` means "no", not ``False``.
Every fault is reported with the file, the line, the field and what was expected.
"""

from __future__ import annotations

import hashlib
import json
import os
import re
import tempfile
import threading
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml
from yaml.nodes import MappingNode, Node, ScalarNode, SequenceNode

from app.domain.errors import Conflict, InvalidScenario, NotFound, Problem
from app.domain.errors import Path as FieldPath
from app.domain.scenario import Scenario, parse_scenario

MAX_BYTES = 256 * 1024
MAX_DEPTH = 32
SUFFIXES = (".yaml", ".yml", ".json")
ID_PATTERN = re.compile(r"^[a-z0-9][a-z0-9_-]{0,63}$")

_PLAIN_TAGS = {
    "tag:yaml.org,2002:str",
    "tag:yaml.org,2002:int",
    "tag:yaml.org,2002:float",
    "tag:yaml.org,2002:bool",
    "tag:yaml.org,2002:null",
    "tag:yaml.org,2002:timestamp",
    "tag:yaml.org,2002:map",
    "tag:yaml.org,2002:seq",
}


class _Refused(Exception):
    def __init__(self, message: str, line: int | None) -> None:
        super().__init__(message)
        self.message = message
        self.line = line


class _Loader(yaml.SafeLoader):
    """The safe loader, refusing anchors, aliases and deep nesting, with YAML 1.2 booleans."""

    yaml_implicit_resolvers = {
        key: [(tag, regexp) for tag, regexp in resolvers if tag != "tag:yaml.org,2002:bool"]
        for key, resolvers in yaml.SafeLoader.yaml_implicit_resolvers.items()
    }
    _depth = 0

    def compose_node(self, parent: Node | None, index: int) -> Node | None:
        event = self.peek_event()  # type: ignore[no-untyped-call]
        line = event.start_mark.line + 1 if event.start_mark else None
        if isinstance(event, yaml.AliasEvent) or getattr(event, "anchor", None) is not None:
            raise _Refused(
                "anchors and aliases (& and *) are not allowed in scenario files; write each value out", line
            )
        self._depth += 1
        try:
            if self._depth > MAX_DEPTH:
                raise _Refused(f"the document is nested more than {MAX_DEPTH} levels deep", line)
            return super().compose_node(parent, index)
        finally:
            self._depth -= 1


_Loader.add_implicit_resolver(
    "tag:yaml.org,2002:bool",
    re.compile(r"^(?:true|True|TRUE|false|False|FALSE)$"),
    list("tTfF"),
)


def _to_python(node: Node, loader: _Loader, path: FieldPath, lines: dict[FieldPath, int]) -> Any:
    lines.setdefault(path, node.start_mark.line + 1)
    if node.tag not in _PLAIN_TAGS:
        raise _Refused(
            f"the tag {node.tag!r} is not allowed; scenario files hold plain text, numbers, lists and mappings",
            lines[path],
        )
    if isinstance(node, MappingNode):
        result: dict[Any, Any] = {}
        for key_node, value_node in node.value:
            if not isinstance(key_node, ScalarNode):
                raise _Refused("a key must be plain text", key_node.start_mark.line + 1)
            key = loader.construct_object(key_node, deep=True)
            if key in result:
                raise _Refused(f"the key {key!r} appears twice in the same mapping", key_node.start_mark.line + 1)
            lines[(*path, key)] = key_node.start_mark.line + 1
            result[key] = _to_python(value_node, loader, (*path, key), lines)
        return result
    if isinstance(node, SequenceNode):
        return [_to_python(item, loader, (*path, index), lines) for index, item in enumerate(node.value)]
    try:
        return loader.construct_object(node, deep=True)
    except yaml.YAMLError as error:
        raise _Refused(f"cannot read this value: {getattr(error, 'problem', None) or error}", lines[path]) from None


def _line_of(path: FieldPath, lines: dict[FieldPath, int]) -> int | None:
    for end in range(len(path), -1, -1):
        if path[:end] in lines:
            return lines[path[:end]]
    return None


def parse_text(text: str, source: str) -> tuple[Any, dict[FieldPath, int]]:
    """Parse YAML (or JSON) text into plain data, with the line of each field."""
    try:
        loader = _Loader(text)  # the reader checks every character here, before any parsing
    except yaml.reader.ReaderError as error:
        line = text[: error.position].count("\n") + 1
        raise InvalidScenario(
            [
                Problem(
                    (), f"the file holds a character YAML does not allow (code {error.character:#06x}); remove it", line
                )
            ],
            source,
        ) from None
    try:
        node = loader.get_single_node()
        lines: dict[FieldPath, int] = {}
        data = None if node is None else _to_python(node, loader, (), lines)
        return data, lines
    except _Refused as refused:
        raise InvalidScenario([Problem((), refused.message, refused.line)], source) from None
    except yaml.MarkedYAMLError as error:
        mark = error.problem_mark or error.context_mark
        yaml_line = mark.line + 1 if mark is not None else None
        if text.lstrip().startswith("{"):
            return _parse_json(text, source), {}
        reason = error.problem or error.context or "not valid YAML"
        raise InvalidScenario([Problem((), f"this is not valid YAML: {reason}", yaml_line)], source) from None
    except yaml.YAMLError as error:
        raise InvalidScenario([Problem((), f"this is not valid YAML: {error}")], source) from None
    finally:
        loader.dispose()


def _parse_json(text: str, source: str) -> Any:
    try:
        return json.loads(text)
    except json.JSONDecodeError as error:
        raise InvalidScenario(
            [Problem((), f"this is neither valid YAML nor valid JSON: {error.msg}", error.lineno)], source
        ) from None


def decode(raw: bytes, source: str) -> str:
    """Strict UTF-8 (a leading byte-order mark is allowed), within the size cap."""
    if len(raw) > MAX_BYTES:
        raise InvalidScenario(
            [Problem((), f"the file is {len(raw):,} bytes; a scenario file may be at most {MAX_BYTES:,}")], source
        )
    try:
        return raw.decode("utf-8-sig")
    except UnicodeDecodeError as error:
        line = raw[: error.start].count(b"\n") + 1
        raise InvalidScenario(
            [Problem((), f"the file is not UTF-8 text (byte {error.start}); save it as UTF-8", line)], source
        ) from None


def load_text(text: str, source: str) -> Scenario:
    """A scenario from YAML or JSON text; errors name ``source``, the line and the field."""
    data, lines = parse_text(text, source)
    if data is None:
        raise InvalidScenario(
            [Problem((), "the file is empty; a scenario needs at least title, question and members")], source
        )
    try:
        return parse_scenario(data)
    except InvalidScenario as invalid:
        located = [Problem(p.path, p.message, _line_of(p.path, lines)) for p in invalid.problems]
        raise InvalidScenario(located, source) from None


def load_bytes(raw: bytes, source: str) -> Scenario:
    return load_text(decode(raw, source), source)


def load_file(path: Path) -> Scenario:
    """Read and validate one scenario file."""
    try:
        size = path.stat().st_size
        if size > MAX_BYTES:
            raise InvalidScenario(
                [Problem((), f"the file is {size:,} bytes; a scenario file may be at most {MAX_BYTES:,}")], str(path)
            )
        raw = path.read_bytes()
    except OSError as error:
        raise InvalidScenario([Problem((), f"cannot be read: {error.strerror or error}")], str(path)) from None
    return load_bytes(raw, str(path))


def scenario_id(path: Path) -> str:
    return path.stem


def is_scenario_file(path: Path) -> bool:
    return path.suffix in SUFFIXES and not path.name.startswith(".")


@dataclass(frozen=True)
class Entry:
    """One file of the scenarios folder: valid (with its scenario) or not (with its error)."""

    id: str
    path: Path
    scenario: Scenario | None = None
    error: InvalidScenario | None = None


@dataclass
class Library:
    """The scenarios folder, re-read whenever a file changes, so edits show without a restart."""

    folder: Path
    _cache: dict[Path, tuple[tuple[int, int], Entry]] = field(default_factory=dict)

    def _files(self) -> Iterator[Path]:
        if not self.folder.is_dir():
            return iter(())
        return iter(sorted(p for p in self.folder.iterdir() if p.is_file() and is_scenario_file(p)))

    def _entry(self, path: Path) -> Entry:
        try:
            stat = path.stat()
        except OSError as error:
            return Entry(
                scenario_id(path), path, error=InvalidScenario([Problem((), f"cannot be read: {error}")], path.name)
            )
        stamp = (stat.st_mtime_ns, stat.st_size)
        cached = self._cache.get(path)
        if cached and cached[0] == stamp:
            return cached[1]
        ident = scenario_id(path)
        if not ID_PATTERN.match(ident):
            entry = Entry(
                ident,
                path,
                error=InvalidScenario(
                    [
                        Problem(
                            (),
                            (
                                "the file name may use only lower-case letters, digits, - and _ (at most 64), "
                                "so that it can serve as the scenario's address"
                            ),
                        )
                    ],
                    path.name,
                ),
            )
        else:
            try:
                entry = Entry(ident, path, scenario=load_file(path))
            except InvalidScenario as invalid:
                entry = Entry(ident, path, error=InvalidScenario(invalid.problems, path.name))
        self._cache[path] = (stamp, entry)
        return entry

    def entries(self) -> list[Entry]:
        entries = [self._entry(p) for p in self._files()]
        live = {e.path for e in entries}
        for stale in set(self._cache) - live:
            del self._cache[stale]
        seen: set[str] = set()
        unique: list[Entry] = []
        for entry in entries:
            if entry.id in seen:
                entry = Entry(
                    entry.id,
                    entry.path,
                    error=InvalidScenario(
                        [Problem((), f"another file already has the name {entry.id!r}; rename one of them")],
                        entry.path.name,
                    ),
                )
            seen.add(entry.id)
            unique.append(entry)
        return unique

    def get(self, ident: str) -> Scenario:
        """The valid scenario with this id, or ``NotFound`` (also for ids outside the allowlist)."""
        if not ID_PATTERN.match(ident):
            raise NotFound(f"no scenario {ident!r}")
        for entry in self.entries():
            if entry.id == ident:
                if entry.error is not None:
                    raise entry.error
                assert entry.scenario is not None
                return entry.scenario
        raise NotFound(f"no scenario {ident!r}")


def content_hash(raw: bytes) -> str:
    """What an editor remembers of the file it opened, to notice a change made meanwhile."""
    return hashlib.sha256(raw).hexdigest()


def check_id(ident: str) -> str:
    """A scenario id from the allowlist, or a clear refusal: nothing may be written outside the folder."""
    if not ID_PATTERN.match(ident):
        raise InvalidScenario(
            [
                Problem(
                    ("file_name",),
                    (
                        f"{ident!r} cannot be a file name: use lower-case letters, digits, - and _ (at most 64), "
                        "starting with a letter or digit"
                    ),
                )
            ]
        )
    return ident


def write_atomically(path: Path, text: str) -> None:
    """Write through a temporary file and a rename, so a crash never leaves half a file."""
    descriptor, temporary = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
    try:
        with os.fdopen(descriptor, "w", encoding="utf-8", newline="\n") as handle:
            handle.write(text)
            handle.flush()
            os.fsync(handle.fileno())
        os.replace(temporary, path)
    except BaseException:
        Path(temporary).unlink(missing_ok=True)
        raise
    directory = os.open(path.parent, os.O_RDONLY)
    try:
        os.fsync(directory)
    finally:
        os.close(directory)


_write_lock = threading.Lock()


def _source_path(folder: Path, ident: str) -> Path | None:
    for suffix in SUFFIXES:
        candidate = folder / f"{ident}{suffix}"
        if candidate.is_file():
            return candidate
    return None


def read_source(folder: Path, ident: str) -> tuple[Path, bytes]:
    """The file behind a scenario id, as bytes (for download, duplication and round-trip edits)."""
    path = _source_path(folder, ident) if ID_PATTERN.match(ident) else None
    if path is None:
        raise NotFound(f"no scenario {ident!r}")
    return path, path.read_bytes()


def save(folder: Path, ident: str, text: str, expected_hash: str | None) -> Path:
    """Validate and write a scenario. ``expected_hash`` None means a new file, which must not exist yet;
    otherwise the file must still be as it was when the editor opened it."""
    check_id(ident)
    load_text(text, f"{ident}.yaml")
    with _write_lock:
        existing = _source_path(folder, ident)
        if expected_hash is None:
            if existing is not None:
                raise Conflict(f"a scenario named {ident!r} already exists; choose another name")
            path = folder / f"{ident}.yaml"
        else:
            if existing is None:
                raise Conflict(f"{ident!r} was deleted or renamed since you opened it; save it under a new name")
            if content_hash(existing.read_bytes()) != expected_hash:
                raise Conflict(
                    f"{existing.name} changed since you opened it (another instructor, or a text editor); "
                    "your edits are still below: copy what you need, reload, and apply them again"
                )
            path = existing
        write_atomically(path, text)
        return path
