"""Writing scenarios as YAML that people read and edit by hand.

A new scenario is written in the model's field order with a first line that points editors at
the JSON Schema. An existing file is updated in place with ruamel.yaml's round-trip mode, so
its comments, key order and flow or block style survive an edit made in the browser: only the
values the form owns and changed are touched. A meeting's invitations, drafts and amendments are
matched to the file's by their symbol (or who is invited), so each keeps its comments and layout.
"""

from __future__ import annotations

import datetime as dt
import io
from enum import Enum
from typing import Any

from ruamel.yaml import YAML
from ruamel.yaml.comments import CommentedMap, CommentedSeq
from ruamel.yaml.scalarstring import LiteralScalarString

from app.domain.scenario import Amendment, Draft, Invitation, Member
from app.scenarios.fields import (
    FORM_FIELDS,
    FORM_MEMBER_FIELDS,
    KEPT_FIELDS,
    KEPT_MEMBER_FIELDS,
    MEMBER_DEFAULTS,
    MEMBER_FIELDS,
    SCENARIO_DEFAULTS,
    SCENARIO_FIELDS,
    STEP_DEFAULTS,
    STEP_KEY,
    STEP_ORDER,
    StepModel,
    is_flag,
)

SCHEMA_COMMENT = "# yaml-language-server: $schema=../docs/scenario.schema.json"
_FLAGS = frozenset(name for name, info in Member.model_fields.items() if is_flag(info))


WIDTH = 100


def _yaml(original: str | None = None) -> YAML:
    """A round-trip YAML; lines as long as the original's longest are not folded, so its layout survives."""
    yaml = YAML()  # round-trip, YAML 1.2: "vote: no" stays the string "no"
    yaml.width = max([WIDTH, *(len(line) for line in (original or "").splitlines())])
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


def _merge_member(target: CommentedMap, member: dict[str, Any], new: bool = True) -> None:
    for key in FORM_MEMBER_FIELDS:
        value = member.get(key, MEMBER_DEFAULTS.get(key))
        if key in target:
            if _left_out(key, value):
                del target[key]
            elif not _same(target[key], value):
                target[key] = value
        elif not _left_out(key, value) and (new or value != MEMBER_DEFAULTS.get(key)):
            _insert_in_order(target, key, value, MEMBER_FIELDS)  # an existing row's default vote stays implied
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
            _merge_member(members[index], member, new=False)
        else:
            members.append(_new_member(member, flow))
    del members[len(value) :]


_STEP_LISTS: dict[str, StepModel] = {"invitations": Invitation, "drafts": Draft}
_NESTED_STEPS: dict[str, StepModel] = {"amendments": Amendment}
_QUIET_DEFAULTS = frozenset(
    {"speaking_seconds", "language"}
)  # written only when the file has it or it is not the default
_FLOW_WIDTH = 80
_FLOW = frozenset({"sponsors", "votes"})  # short lists of codes and votes by code: one line each, as in the examples


def _empty(value: Any) -> bool:
    return value is None or value == {} or value == []


def _new_value(key: str, value: Any) -> Any:
    """A value for a key the file did not have: codes and votes on one line if they fit, the rest as YAML writes them."""
    if key not in _FLOW or len(str(value)) > _FLOW_WIDTH:
        return value
    if isinstance(value, list):
        new: Any = CommentedSeq(value)
    elif isinstance(value, dict):
        new = CommentedMap(value)
    else:
        return value
    new.fa.set_flow_style()
    return new


def _update(target: Any, value: Any) -> bool:
    """Update a list or mapping of the file in place (keeping its style and comments); False if it cannot be."""
    if isinstance(target, CommentedSeq) and isinstance(value, list):
        for index, item in enumerate(value):
            if index >= len(target):
                target.append(item)
            elif not _same(target[index], item) and not _update(target[index], item):
                target[index] = item
        del target[len(value) :]
        return True
    if isinstance(target, CommentedMap) and isinstance(value, dict):
        for key in [k for k in target if k not in value]:
            del target[key]
        for key, item in value.items():
            if key not in target or (not _same(target[key], item) and not _update(target[key], item)):
                target[key] = item
        return True
    return False


def _merge_step(target: CommentedMap, item: dict[str, Any], model: StepModel, new: bool) -> None:
    """One invitation, draft or amendment: every field of it, from the form and kept alike."""
    order = STEP_ORDER[model]
    defaults = STEP_DEFAULTS[model]
    for key in order:
        value = item.get(key)
        if value is None or _empty(value):
            if key in target:
                del target[key]
        elif key in _NESTED_STEPS:
            rows = target.get(key)
            if not isinstance(rows, CommentedSeq):
                rows = CommentedSeq()
                _insert_in_order(target, key, rows, order)
            _merge_steps(rows, value, _NESTED_STEPS[key])
        elif key in target:
            if not _same(target[key], value) and not _update(target[key], value):
                target[key] = value
        elif new or value != defaults.get(key):  # a default the file left out stays out
            _insert_in_order(target, key, _new_value(key, value), order)


def _matches(rows: list[CommentedMap | None], items: list[dict[str, Any]], key: str) -> list[int | None]:
    """For each item of the form, the file's row it updates: the one with its symbol, else the next one left."""
    found: list[int | None] = []
    for item in items:
        index = next(
            (
                i
                for i, row in enumerate(rows)
                if row is not None and i not in found and _same(row.get(key), item.get(key))
            ),
            None,
        )
        found.append(index)
    left = iter(i for i, row in enumerate(rows) if row is not None and i not in found)
    return [index if index is not None else next(left, None) for index in found]


def _merge_steps(target: CommentedSeq, items: list[dict[str, Any]], model: StepModel) -> None:
    """A list of steps: each updates its own row of the file; rows no longer in the form go, new ones follow."""
    rows = [row if isinstance(row, CommentedMap) else None for row in target]
    matches = _matches(rows, items, STEP_KEY[model])
    flow = bool(rows and rows[0] is not None and rows[0].fa.flow_style())
    merged: list[CommentedMap] = []
    for item, index in zip(items, matches, strict=True):
        row = rows[index] if index is not None else None
        if row is None:
            row = CommentedMap()
            if flow:
                row.fa.set_flow_style()
        _merge_step(row, item, model, index is None)
        merged.append(row)
    kept = {index for index in matches if index is not None}
    for index in sorted(set(range(len(target))) - kept, reverse=True):
        del target[index]  # comments on the rows after it move up with them
    if [id(row) for row in target] == [id(row) for row in merged if any(row is old for old in rows)]:
        for position, row in enumerate(merged):
            if position >= len(target) or target[position] is not row:
                target.insert(position, row)
    else:  # the form's order is not the file's: write the rows in the form's order
        del target[:]
        target.extend(merged)


def _merge_mapping(target: CommentedMap, key: str, value: dict[str, Any]) -> None:
    nested = target.get(key)
    if not isinstance(nested, CommentedMap):
        nested = CommentedMap()
        _insert_in_order(target, key, nested, SCENARIO_FIELDS)
    for sub_key, sub_value in value.items():
        if sub_key not in nested or not _same(nested[sub_key], sub_value):
            nested[sub_key] = sub_value


def _merge(target: CommentedMap, document: dict[str, Any]) -> None:
    for key in FORM_FIELDS:
        value = document.get(key)
        if value is None or _empty(value):
            if key in target and key != "members" and not _same(target[key], value):
                del target[key]
            continue
        if key in _QUIET_DEFAULTS and key not in target and value == SCENARIO_DEFAULTS[key]:
            continue  # a file that left the speaking time out still does
        if key == "members":
            _merge_members(target, value)
        elif key in _STEP_LISTS:
            rows = target.get(key)
            if not isinstance(rows, CommentedSeq):
                rows = CommentedSeq()
                _insert_in_order(target, key, rows, SCENARIO_FIELDS)
            _merge_steps(rows, value, _STEP_LISTS[key])
        elif isinstance(value, list) or key == "translations":  # updated in place, deeply: its style and comments stay
            if key == "translations":
                value = {lang: {k: v for k, v in block.items() if not _empty(v)} for lang, block in value.items()}
            if key not in target or not _update(target[key], value):
                _insert_in_order(target, key, value, SCENARIO_FIELDS)
        elif isinstance(value, dict):
            _merge_mapping(target, key, value)
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
        return LiteralScalarString(value.strip())  # "|-": read back exactly as given, no newline added
    return value


def render(document: dict[str, Any], original: str | None = None) -> str:
    """YAML text for ``document``: the original file updated in place, or a fresh, ordered file."""
    document = _plain(document)
    yaml = _yaml(original)
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
