"""Writing scenarios as YAML that people read and edit by hand.

A new scenario is written in the model's field order with a first line that points editors at
the JSON Schema. An existing file is updated in place with ruamel.yaml's round-trip mode, so
its comments, key order and flow or block style survive an edit made in the browser: only the
values the form owns and changed are touched.
"""

from __future__ import annotations

import datetime as dt
import io
from enum import Enum
from typing import Any

from ruamel.yaml import YAML
from ruamel.yaml.comments import CommentedMap, CommentedSeq
from ruamel.yaml.scalarstring import LiteralScalarString

from app.domain.scenario import Member
from app.scenarios.fields import (
    FORM_FIELDS,
    FORM_MEMBER_FIELDS,
    KEPT_FIELDS,
    KEPT_MEMBER_FIELDS,
    MEMBER_DEFAULTS,
    MEMBER_FIELDS,
    SCENARIO_FIELDS,
    is_flag,
)

SCHEMA_COMMENT = "# yaml-language-server: $schema=../docs/scenario.schema.json"
_FLAGS = frozenset(name for name, info in Member.model_fields.items() if is_flag(info))


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


def _left_out(key: str, value: Any) -> bool:
    """A member field not worth a line: empty, or a flag that is off."""
    return value is None or (key in _FLAGS and value == MEMBER_DEFAULTS[key])


def _merge_member(target: CommentedMap, member: dict[str, Any]) -> None:
    for key in FORM_MEMBER_FIELDS:
        value = member.get(key, MEMBER_DEFAULTS.get(key))
        if key in target:
            if _left_out(key, value):
                del target[key]
            elif not _same(target[key], value):
                target[key] = value
        elif not _left_out(key, value):
            _insert_in_order(target, key, value, MEMBER_FIELDS)
    for key in KEPT_MEMBER_FIELDS:  # written for a new row only: an existing row keeps its own
        if key not in target and member.get(key) is not None:
            _insert_in_order(target, key, member[key], MEMBER_FIELDS)


def _new_member(member: dict[str, Any], flow: bool) -> CommentedMap:
    item = CommentedMap()
    _merge_member(item, member)
    if flow:
        item.fa.set_flow_style()
    return item


def _merge_members(target: CommentedMap, value: list[dict[str, Any]]) -> None:
    members = target.get("members")
    if not isinstance(members, CommentedSeq):
        members = CommentedSeq()
        _insert_in_order(target, "members", members, SCENARIO_FIELDS)
    flow = bool(len(members) and isinstance(members[0], CommentedMap) and members[0].fa.flow_style())
    for index, member in enumerate(value):
        if index < len(members) and isinstance(members[index], CommentedMap):
            _merge_member(members[index], member)
        else:
            members.append(_new_member(member, flow))
    del members[len(value) :]


def _merge(target: CommentedMap, document: dict[str, Any]) -> None:
    for key in FORM_FIELDS:
        value = document.get(key)
        if value is None or value == {}:
            if key in target and key != "members":
                del target[key]
            continue
        if key == "members":
            _merge_members(target, value)
        elif isinstance(value, dict):
            nested = target.get(key)
            if not isinstance(nested, CommentedMap):
                nested = CommentedMap()
                _insert_in_order(target, key, nested, SCENARIO_FIELDS)
            for sub_key, sub_value in value.items():
                if sub_key not in nested or not _same(nested[sub_key], sub_value):
                    nested[sub_key] = sub_value
        elif key not in target or not _same(target[key], value):
            _insert_in_order(target, key, value, SCENARIO_FIELDS)


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
        for key in KEPT_FIELDS:
            if document.get(key):
                _insert_in_order(target, key, document[key], SCENARIO_FIELDS)
    buffer = io.StringIO()
    yaml.dump(target, buffer)
    text = buffer.getvalue()
    if fresh or not text.startswith("# yaml-language-server:"):
        text = SCHEMA_COMMENT + "\n" + text
    return text
