"""Writing scenarios as YAML that people read and edit by hand.

A new scenario is written in the documented key order with a first line that points editors at
the JSON Schema. An existing file is updated in place with ruamel.yaml's round-trip mode, so
its comments, key order and flow or block style survive an edit made in the browser: only the
values that changed are touched.
"""

from __future__ import annotations

import datetime as dt
import io
from enum import Enum
from typing import Any

from ruamel.yaml import YAML
from ruamel.yaml.comments import CommentedMap, CommentedSeq
from ruamel.yaml.scalarstring import LiteralScalarString

SCHEMA_COMMENT = "# yaml-language-server: $schema=../docs/scenario.schema.json"
ORDER = ("title", "date", "question", "matter", "president", "context", "verdict", "members", "rules", "record")
MEMBER_ORDER = ("code", "name", "permanent", "vote", "party_to_dispute", "brief")
# Fields the editor owns; anything else in a file (rules, record, unknown comments) is left alone.
EDITED = ("title", "date", "question", "matter", "president", "context", "verdict", "members")
MEMBER_DEFAULTS: dict[str, Any] = {"permanent": False, "party_to_dispute": False, "brief": None, "vote": "undecided"}


def _yaml() -> YAML:
    yaml = YAML()  # round-trip, YAML 1.2: "vote: no" stays the string "no"
    yaml.width = 100
    yaml.indent(mapping=2, sequence=4, offset=2)
    yaml.preserve_quotes = True
    return yaml


def _same(old: Any, new: Any) -> bool:
    if isinstance(old, str) and isinstance(new, str):
        return " ".join(old.split()) == " ".join(new.split())
    if isinstance(old, dt.datetime) and isinstance(new, dt.date):
        return old.date() == new
    return bool(old == new)


def _insert_in_order(target: CommentedMap, key: str, value: Any, order: tuple[str, ...]) -> None:
    if key in target:
        target[key] = value
        return
    position = 0
    for index, existing in enumerate(target):
        if existing in order and order.index(existing) < order.index(key):
            position = index + 1
    target.insert(position, key, value)


def _merge_member(target: CommentedMap, member: dict[str, Any]) -> None:
    for key in MEMBER_ORDER:
        value = member.get(key, MEMBER_DEFAULTS.get(key))
        if key in target:
            if value is None or (key in ("permanent", "party_to_dispute") and value is False and key != "permanent"):
                del target[key]
            elif not _same(target[key], value):
                target[key] = value
        elif value is not None and value != MEMBER_DEFAULTS.get(key, object()):
            _insert_in_order(target, key, value, MEMBER_ORDER)
        elif key == "vote":
            _insert_in_order(target, key, value, MEMBER_ORDER)


def _new_member(member: dict[str, Any], flow: bool) -> CommentedMap:
    item = CommentedMap()
    _merge_member(item, member)
    if flow:
        item.fa.set_flow_style()
    return item


def _merge(target: CommentedMap, document: dict[str, Any]) -> None:
    for key in EDITED:
        value = document.get(key)
        if value is None or value == {}:
            if key in target and key != "members":
                del target[key]
            continue
        if key == "members":
            members = target.get("members")
            if not isinstance(members, CommentedSeq):
                members = CommentedSeq()
                _insert_in_order(target, "members", members, ORDER)
            flow = bool(len(members) and isinstance(members[0], CommentedMap) and members[0].fa.flow_style())
            for index, member in enumerate(value):
                if index < len(members) and isinstance(members[index], CommentedMap):
                    _merge_member(members[index], member)
                else:
                    members.append(_new_member(member, flow))
            del members[len(value) :]
        elif isinstance(value, dict):
            nested = target.get(key)
            if not isinstance(nested, CommentedMap):
                nested = CommentedMap()
                _insert_in_order(target, key, nested, ORDER)
            for sub_key, sub_value in value.items():
                if sub_key not in nested or not _same(nested[sub_key], sub_value):
                    nested[sub_key] = sub_value
        elif key not in target or not _same(target[key], value):
            _insert_in_order(target, key, value, ORDER)


def _plain(value: Any, key: str = "") -> Any:
    """JSON-like values as YAML should hold them: dates as dates, multi-line text as literal blocks."""
    if isinstance(value, dict):
        return {k: _plain(v, k) for k, v in value.items() if v is not None}
    if isinstance(value, list):
        return [_plain(v) for v in value]
    if isinstance(value, Enum):
        return value.value
    if key == "date" and isinstance(value, str):
        return dt.date.fromisoformat(value)
    if isinstance(value, str) and "\n" in value.strip():
        return LiteralScalarString(value.strip() + "\n")
    return value


def render(document: dict[str, Any], original: str | None = None) -> str:
    """YAML text for ``document``: the original file updated in place, or a fresh, ordered file."""
    document = _plain(document)
    yaml = _yaml()
    target: Any = yaml.load(original) if original else None
    fresh = not isinstance(target, CommentedMap)
    if fresh:
        target = CommentedMap()
    _merge(target, document)
    if fresh:
        for key in ("rules", "record"):
            if document.get(key):
                _insert_in_order(target, key, document[key], ORDER)
    buffer = io.StringIO()
    yaml.dump(target, buffer)
    text = buffer.getvalue()
    if fresh or not text.startswith("# yaml-language-server:"):
        text = SCHEMA_COMMENT + "\n" + text
    return text
