"""Reading scenario files: YAML (or JSON) text or bytes to validated ``Scenario`` objects.

This is the only module that parses scenario files. Loading is defensive, because instructors
write these files by hand and some files come from strangers: a size cap, strict UTF-8, the
safe loader, no anchors or aliases (no "billion laughs"), no tags beyond plain data, no
duplicate keys, and YAML 1.2 booleans so that ``vote: no`` means "no", not ``False``.
Every fault is reported with the file, the line, the field and what was expected, and all of them
at once: a duplicate key, a tag or an unreadable value is noted and the reading goes on, so the
fields and the whole council are still checked. Only what leaves no document to check (not YAML,
anchors and aliases, deep nesting, a key that is not plain text) stops at the first fault.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml
from yaml.nodes import MappingNode, Node, ScalarNode, SequenceNode

from app.domain.errors import InvalidScenario, Problem
from app.domain.errors import Path as FieldPath
from app.domain.scenario import Scenario, parse_scenario
from app.domain.text import N_, Phrase

MAX_BYTES = 256 * 1024
MAX_DEPTH = 32

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

    yaml_implicit_resolvers = {  # noqa: RUF012 - PyYAML's own class attribute, replaced, never mutated
        key: [(tag, regexp) for tag, regexp in resolvers if tag != "tag:yaml.org,2002:bool"]
        for key, resolvers in yaml.SafeLoader.yaml_implicit_resolvers.items()
    }
    _depth = 0

    def compose_node(self, parent: Node | None, index: int) -> Node | None:
        event = self.peek_event()  # type: ignore[no-untyped-call]
        line = event.start_mark.line + 1 if event.start_mark else None
        if isinstance(event, yaml.AliasEvent) or getattr(event, "anchor", None) is not None:
            raise _Refused(
                N_("anchors and aliases (& and *) are not allowed in scenario files; write each value out"), line
            )
        self._depth += 1
        try:
            if self._depth > MAX_DEPTH:
                deep = Phrase.ngettext(
                    "the document is nested more than %(depth)d level deep",
                    "the document is nested more than %(depth)d levels deep",
                    MAX_DEPTH,
                    depth=MAX_DEPTH,
                )
                raise _Refused(deep, line)
            return super().compose_node(parent, index)
        finally:
            self._depth -= 1


_Loader.add_implicit_resolver(
    "tag:yaml.org,2002:bool",
    re.compile(r"^(?:true|True|TRUE|false|False|FALSE)$"),
    list("tTfF"),
)


@dataclass
class _Reading:
    """What reading a document found besides its data: each field's line, and the faults that did not stop it."""

    lines: dict[FieldPath, int] = field(default_factory=dict)
    problems: list[Problem] = field(default_factory=list)
    unread: list[FieldPath] = field(default_factory=list)  # reported here: not to be reported again as missing

    def skip(self, path: FieldPath, message: str) -> object:
        self.problems.append(Problem(path, message, self.lines[path]))
        self.unread.append(path)
        return _UNREAD

    def reported(self, path: FieldPath) -> bool:
        return any(path[: len(skipped)] == skipped for skipped in self.unread)


_UNREAD = object()  # a value that could not be read: left out of its mapping, None in its list


def _to_python(node: Node, loader: _Loader, path: FieldPath, reading: _Reading) -> Any:
    reading.lines.setdefault(path, node.start_mark.line + 1)
    if node.tag not in _PLAIN_TAGS:
        return reading.skip(
            path,
            Phrase(
                N_("the tag %(tag)r is not allowed; scenario files hold plain text, numbers, lists and mappings"),
                tag=node.tag,
            ),
        )
    if isinstance(node, MappingNode):
        result: dict[Any, Any] = {}
        for key_node, value_node in node.value:
            if not isinstance(key_node, ScalarNode):
                raise _Refused(N_("a key must be plain text"), key_node.start_mark.line + 1)
            key = loader.construct_object(key_node, deep=True)
            if key in result or (*path, key) in reading.lines:
                reading.problems.append(
                    Problem(
                        (*path, key),
                        Phrase(
                            N_(
                                "the key %(key)r appears twice in the same mapping; the first is read, remove the other"
                            ),
                            key=key,
                        ),
                        key_node.start_mark.line + 1,
                    )
                )
                continue
            reading.lines[(*path, key)] = key_node.start_mark.line + 1
            value = _to_python(value_node, loader, (*path, key), reading)
            if value is not _UNREAD:
                result[key] = value
        return result
    if isinstance(node, SequenceNode):
        items = [_to_python(item, loader, (*path, index), reading) for index, item in enumerate(node.value)]
        return [None if item is _UNREAD else item for item in items]
    try:
        return loader.construct_object(node, deep=True)
    except yaml.YAMLError as error:
        # Translators: %(reason)s is the YAML reader's own explanation, in English.
        why = Phrase(N_("cannot read this value: %(reason)s"), reason=str(getattr(error, "problem", None) or error))
        return reading.skip(path, why)
    except ValueError as error:  # a date that cannot exist (2020-13-45): the YAML reader builds it and fails
        return reading.skip(path, Phrase(N_("cannot read this value: %(reason)s"), reason=str(error)))


def _line_of(path: FieldPath, lines: dict[FieldPath, int]) -> int | None:
    for end in range(len(path), -1, -1):
        if path[:end] in lines:
            return lines[path[:end]]
    return None


def parse_text(text: str, source: str) -> tuple[Any, dict[FieldPath, int]]:
    """Parse YAML (or JSON) text into plain data, with the line of each field; refuse it on any fault."""
    data, reading = _read_text(text, source)
    if reading.problems:
        raise InvalidScenario(reading.problems, source)
    return data, reading.lines


def _read_text(text: str, source: str) -> tuple[Any, _Reading]:
    """Plain data, each field's line and the faults that did not stop the reading; raise on those that did."""
    try:
        loader = _Loader(text)  # the reader checks every character here, before any parsing
    except yaml.reader.ReaderError as error:
        line = text[: error.position].count("\n") + 1
        said = Phrase(
            # Translators: %(code)s is the character's code point in hexadecimal, as in 0x0007.
            N_("the file holds a character YAML does not allow (code %(code)s); remove it"),
            code=f"{error.character:#06x}",
        )
        raise InvalidScenario([Problem((), said, line)], source) from None
    reading = _Reading()
    try:
        node = loader.get_single_node()
        data = None if node is None else _to_python(node, loader, (), reading)
        return (None if data is _UNREAD else data), reading
    except _Refused as refused:
        raise InvalidScenario([Problem((), refused.message, refused.line)], source) from None
    except yaml.MarkedYAMLError as error:
        mark = error.problem_mark or error.context_mark
        yaml_line = mark.line + 1 if mark is not None else None
        if text.lstrip().startswith("{"):
            return _parse_json(text, source), _Reading()
        reason = error.problem or error.context or Phrase(N_("not valid YAML"))
        # Translators: %(reason)s is the YAML reader's own explanation, in English.
        said = Phrase(N_("this is not valid YAML: %(reason)s"), reason=reason)
        raise InvalidScenario([Problem((), said, yaml_line)], source) from None
    except yaml.YAMLError as error:
        said = Phrase(N_("this is not valid YAML: %(reason)s"), reason=str(error))
        raise InvalidScenario([Problem((), said)], source) from None
    finally:
        loader.dispose()


def _parse_json(text: str, source: str) -> Any:
    try:
        return json.loads(text)
    except json.JSONDecodeError as error:
        # Translators: %(reason)s is the JSON reader's own explanation, in English.
        said = Phrase(N_("this is neither valid YAML nor valid JSON: %(reason)s"), reason=error.msg)
        raise InvalidScenario([Problem((), said, error.lineno)], source) from None


def _too_big(size: int) -> Problem:
    # Translators: %(size)s and %(limit)s are numbers of bytes, written with a comma between thousands (262,144).
    said = Phrase.ngettext(
        "the file is %(size)s byte; a scenario file may be at most %(limit)s",
        "the file is %(size)s bytes; a scenario file may be at most %(limit)s",
        size,
        size=f"{size:,}",
        limit=f"{MAX_BYTES:,}",
    )
    return Problem((), said)


def decode(raw: bytes, source: str) -> str:
    """Strict UTF-8 (a leading byte-order mark is allowed), within the size cap."""
    if len(raw) > MAX_BYTES:
        raise InvalidScenario([_too_big(len(raw))], source)
    try:
        return raw.decode("utf-8-sig")
    except UnicodeDecodeError as error:
        line = raw[: error.start].count(b"\n") + 1
        # Translators: %(byte)d is where in the file (its byte offset) the fault is.
        said = Phrase(N_("the file is not UTF-8 text (byte %(byte)d); save it as UTF-8"), byte=error.start)
        raise InvalidScenario([Problem((), said, line)], source) from None


def load_text(text: str, source: str) -> Scenario:
    """A scenario from YAML or JSON text; errors name ``source``, the line and the field, all of them at once."""
    data, reading = _read_text(text, source)
    if data is None and not reading.problems:
        raise InvalidScenario(
            # Translators: "title", "question" and "members" are keys of the file: keep them.
            [Problem((), N_("the file is empty; a scenario needs at least title, question and members"))],
            source,
        )
    try:
        scenario = parse_scenario(data)
    except InvalidScenario as invalid:
        found = [
            Problem(p.path, p.message, _line_of(p.path, reading.lines))
            for p in invalid.problems
            if not reading.reported(p.path)
        ]
    else:
        if not reading.problems:
            return scenario
        found = []
    raise InvalidScenario([*reading.problems, *found], source) from None  # the reading's, the fields', the council's


def load_bytes(raw: bytes, source: str) -> Scenario:
    return load_text(decode(raw, source), source)


def load_file(path: Path) -> Scenario:
    """Read and validate one scenario file."""
    try:
        size = path.stat().st_size
        if size > MAX_BYTES:
            raise InvalidScenario([_too_big(size)], str(path))
        raw = path.read_bytes()
    except OSError as error:
        # Translators: %(reason)s is the system's own explanation, in English ("Permission denied").
        said = Phrase(N_("cannot be read: %(reason)s"), reason=str(error.strerror or error))
        raise InvalidScenario([Problem((), said)], str(path)) from None
    return load_bytes(raw, str(path))
