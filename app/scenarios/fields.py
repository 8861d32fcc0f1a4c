"""The fields of a scenario file, in the model's order, and the part of them the editor's form shows.

The order comes from the pydantic model, so a field added there is written in its place without
touching this package. The form's own fields are named here once; every other field (``rules``,
``record``, and any added later) is kept as the file has it when the form is saved.

A meeting's steps (invitations, drafts, amendments) are in the form too, but not all of each: their
``votes``, ``record``, a draft's ``preliminary`` question (and any field added later) travel with
their row unchanged, so that a historical file keeps them.
"""

from __future__ import annotations

from enum import Enum
from typing import Any

from pydantic import BaseModel
from pydantic.fields import FieldInfo

from app.domain.scenario import Amendment, Draft, Invitation, Member, Scenario, Step

SCENARIO_FIELDS: tuple[str, ...] = tuple(Scenario.model_fields)
MEMBER_FIELDS: tuple[str, ...] = tuple(Member.model_fields)

_FORM = frozenset(
    {"title", "date", "question", "matter", "president", "context", "verdict", "members"}
    | {"agenda", "invitations", "drafts", "speaking_seconds"}
    | {"language", "translations"}
)
_FORM_MEMBER = frozenset({"code", "name", "permanent", "vote", "party_to_dispute", "brief"})

FORM_FIELDS: tuple[str, ...] = tuple(name for name in SCENARIO_FIELDS if name in _FORM)
KEPT_FIELDS: tuple[str, ...] = tuple(name for name in SCENARIO_FIELDS if name not in _FORM)
FORM_MEMBER_FIELDS: tuple[str, ...] = tuple(name for name in MEMBER_FIELDS if name in _FORM_MEMBER)
KEPT_MEMBER_FIELDS: tuple[str, ...] = tuple(name for name in MEMBER_FIELDS if name not in _FORM_MEMBER)


def _plain_default(info: FieldInfo) -> Any:
    default = info.get_default(call_default_factory=True)
    return default.value if isinstance(default, Enum) else default


def _defaults(model: type[BaseModel]) -> dict[str, Any]:
    return {name: _plain_default(info) for name, info in model.model_fields.items() if not info.is_required()}


MEMBER_DEFAULTS: dict[str, Any] = _defaults(Member)
SCENARIO_DEFAULTS: dict[str, Any] = _defaults(Scenario)

# A meeting's steps: what the form shows of each; the rest of a step is kept with its row.
StepModel = type[Step]
STEP_FORM_FIELDS: dict[StepModel, tuple[str, ...]] = {
    Invitation: ("rule", "who"),
    Draft: ("symbol", "sponsors", "summary", "paragraphs", "matter", "chapter", "amendments"),
    Amendment: ("symbol", "sponsors", "summary"),
}
STEP_KEPT_FIELDS: dict[StepModel, tuple[str, ...]] = {
    model: tuple(name for name in model.model_fields if name not in shown) for model, shown in STEP_FORM_FIELDS.items()
}
# The order a new step is written in: its own fields, then the votes and record every step has.
STEP_ORDER: dict[StepModel, tuple[str, ...]] = {
    model: tuple(name for name in model.model_fields if name not in Step.model_fields) + tuple(Step.model_fields)
    for model in STEP_FORM_FIELDS
}
STEP_DEFAULTS: dict[StepModel, dict[str, Any]] = {model: _defaults(model) for model in STEP_FORM_FIELDS}
# What tells one step from another in a list, so that an edited file's rows keep their own comments.
STEP_KEY: dict[StepModel, str] = {Invitation: "who", Draft: "symbol", Amendment: "symbol"}


def is_flag(info: FieldInfo) -> bool:
    """A yes-or-no field, which the form shows as a checkbox."""
    return info.annotation is bool


def with_kept(document: dict[str, Any], original: Scenario | None) -> dict[str, Any]:
    """``document`` from the form, plus what the form does not show but the opened file holds."""
    if original is None:
        return dict(document)
    full = document | original.model_dump(mode="json", exclude_none=True, include=set(KEPT_FIELDS))
    if KEPT_MEMBER_FIELDS and isinstance(full.get("members"), list):
        members = []
        for index, member in enumerate(full["members"]):  # row by row, as the YAML is updated
            if index < len(original.members) and isinstance(member, dict):
                kept = original.members[index].model_dump(
                    mode="json", exclude_none=True, include=set(KEPT_MEMBER_FIELDS)
                )
                member = member | kept
            members.append(member)
        full["members"] = members
    return {name: full[name] for name in SCENARIO_FIELDS if name in full} | {
        name: value for name, value in full.items() if name not in SCENARIO_FIELDS
    }
