"""The meeting part of the editor's form: the agenda, the speaking time, invitations, drafts, amendments.

Each invitation, draft and amendment is a row of boxes named by its place on the form (``i0_who``,
``d1_symbol``, ``d1a0_summary``); a row whose boxes are all blank is no row, so clearing one removes
it. What the form does not show of a step (its votes, its record, a contested draft's preliminary
question) travels in a hidden box of its own row (``d1_kept``), so a historical file keeps it however
often the form is shown again, and a copy keeps it too.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass, field
from typing import Any

from starlette.datastructures import FormData

from app.domain.errors import Path as FieldPath
from app.domain.scenario import Amendment, Draft, DraftMatter, Invitation, Scenario
from app.domain.votes import Chapter
from app.i18n import N_, gettext
from app.scenarios.fields import STEP_FORM_FIELDS, STEP_KEPT_FIELDS, STEP_ORDER, StepModel

MAX_STEPS = 200
DEFAULT_SECONDS: int = Scenario.model_fields["speaking_seconds"].default
# The words of the form's choices and labels are English here, translated where they are shown
# (``meeting_for_page``, ``meeting_label``).
RULES = {
    # Translators: a choice of the rule of procedure an invitation is made under (rule 37 of the Council's rules).
    37: N_("37: a Member State"),
    # Translators: a choice of the rule of procedure an invitation is made under (rule 39 of the Council's rules).
    39: N_("39: a briefer"),
}
MATTERS = {
    DraftMatter.PROCEDURAL: N_("Procedural (9 votes, no veto)"),
    DraftMatter.SUBSTANTIVE: N_("Substantive (9 votes, veto)"),
    DraftMatter.CONTESTED: N_("Contested (the preliminary question first)"),
}
_CHAPTER_WORDS = {
    # Translators: Chapter VI of the UN Charter.
    Chapter.VI: N_("Chapter VI"),
    # Translators: Chapter VII of the UN Charter.
    Chapter.VII: N_("Chapter VII"),
    # Translators: Article 52(3) of the UN Charter.
    Chapter.ART_52_3: N_("Art. 52(3)"),
    # Translators: a chapter of the Charter other than those listed.
    Chapter.OTHER: N_("Other"),
}
# Translators: the chapter of the Charter a draft is under is not given.
CHAPTERS = {"": N_("Not said"), **{c.value: _CHAPTER_WORDS.get(c, c.value) for c in Chapter}}

# What the form calls each box, as its labels and the list of problems say it.
LABELS = {
    "agenda": N_("Agenda items, one per line"),
    "speaking_seconds": N_("Speaking time, in seconds"),
    "invitations": N_("Invitations"),
    "drafts": N_("Drafts"),
}
# Translators: the rule of procedure an invitation is made under; and whom it invites.
INVITATION_LABELS = {"rule": N_("Rule"), "who": N_("Who")}
DRAFT_LABELS = {
    # Translators: a document's UN symbol, such as S/2019/186.
    "symbol": N_("Symbol"),
    "sponsors": N_("Sponsors (codes)"),
    "summary": N_("Summary"),
    "paragraphs": N_("Operative paragraphs, one per line"),
    # Translators: whether the draft is procedural or substantive (Art. 27 of the Charter).
    "matter": N_("Matter"),
    # Translators: the chapter of the UN Charter the draft is under.
    "chapter": N_("Chapter"),
}
AMENDMENT_LABELS = {"symbol": N_("Symbol"), "sponsors": N_("Sponsors (codes)"), "summary": N_("Summary")}
# What a step's row keeps from the file that the form does not show: "Kept from the file, not edited here: votes, record."
# Translators: what a step of the meeting file holds that the form does not edit (its votes, its record).
_KEPT_WORDS = {"votes": N_("votes"), "record": N_("record"), "preliminary": N_("preliminary question")}


def _translated(words: dict[Any, str]) -> dict[Any, str]:
    return {key: gettext(text) for key, text in words.items()}


_INVITATION = re.compile(r"^i(\d+)_([a-z]+)$")
_DRAFT = re.compile(r"^d(\d+)_([a-z]+)$")
_AMENDMENT = re.compile(r"^d(\d+)a(\d+)_([a-z]+)$")


@dataclass(frozen=True)
class MeetingRows:
    """Which form row each invitation, draft and amendment of the document came from."""

    invitations: list[int] = field(default_factory=list)
    drafts: list[int] = field(default_factory=list)
    amendments: list[list[int]] = field(default_factory=list)  # for each draft of the document


def _text(form: FormData, key: str) -> str:
    value = form.get(key)
    return value.strip() if isinstance(value, str) else ""


def _count(form: FormData, key: str) -> int:
    value = _text(form, key)
    return min(int(value), MAX_STEPS) if value.isdigit() else 0


def _lines(value: str) -> list[str]:
    return [line.strip() for line in value.splitlines() if line.strip()]


def _codes(value: str) -> list[str]:
    """Sponsors as typed: codes separated by commas, semicolons or spaces."""
    return [code for code in re.split(r"[\s,;]+", value) if code]


def _number(value: str) -> int | str:
    """A whole number, or the text as typed (the model then says what is wrong with it)."""
    return int(value) if value.isdigit() else value


def _kept(form: FormData, key: str, model: StepModel) -> dict[str, Any]:
    """The fields of a step the form does not show, as its row carries them."""
    try:
        data = json.loads(_text(form, key) or "{}")
    except ValueError:
        return {}
    return {k: v for k, v in data.items() if k in STEP_KEPT_FIELDS[model]} if isinstance(data, dict) else {}


def _ordered(step: dict[str, Any], model: StepModel) -> dict[str, Any]:
    return {key: step[key] for key in STEP_ORDER[model] if key in step}


def _named_step(symbol: str, sponsors: str, summary: str) -> dict[str, Any]:
    """The fields a draft and an amendment share, each written only when given."""
    step: dict[str, Any] = {"symbol": symbol} if symbol else {}
    if sponsors:
        step["sponsors"] = _codes(sponsors)
    if summary:
        step["summary"] = summary
    return step


def _amendment(form: FormData, prefix: str) -> dict[str, Any] | None:
    symbol, sponsors, summary = (_text(form, f"{prefix}_{key}") for key in ("symbol", "sponsors", "summary"))
    if not (symbol or sponsors or summary):
        return None
    step = _named_step(symbol, sponsors, summary)
    return _ordered(step | _kept(form, f"{prefix}_kept", Amendment), Amendment)


def _draft(form: FormData, row: int) -> tuple[dict[str, Any], list[int]] | None:
    prefix = f"d{row}"
    amendments, rows = [], []
    for number in range(_count(form, f"{prefix}a_rows")):
        amendment = _amendment(form, f"{prefix}a{number}")
        if amendment is not None:
            amendments.append(amendment)
            rows.append(number)
    symbol, sponsors, summary, paragraphs = (
        _text(form, f"{prefix}_{key}") for key in ("symbol", "sponsors", "summary", "paragraphs")
    )
    if not (symbol or sponsors or summary or paragraphs or amendments):
        return None
    step = _named_step(symbol, sponsors, summary)
    if paragraphs:
        step["paragraphs"] = _lines(paragraphs)
    step["matter"] = _text(form, f"{prefix}_matter") or DraftMatter.SUBSTANTIVE.value
    if _text(form, f"{prefix}_chapter"):
        step["chapter"] = _text(form, f"{prefix}_chapter")
    if amendments:
        step["amendments"] = amendments
    return _ordered(step | _kept(form, f"{prefix}_kept", Draft), Draft), rows


def meeting_from_form(form: FormData) -> tuple[dict[str, Any], MeetingRows]:
    """The meeting's fields of the scenario document, and which form row each step came from."""
    doc: dict[str, Any] = {}
    if agenda := _lines(_text(form, "agenda")):
        doc["agenda"] = agenda
    if seconds := _text(form, "speaking_seconds"):
        doc["speaking_seconds"] = _number(seconds)
    rows = MeetingRows()
    invitations = []
    for row in range(_count(form, "i_rows")):
        who = _text(form, f"i{row}_who")
        if not who:
            continue  # a blank row is no invitation: clearing "who" removes it
        rule = _text(form, f"i{row}_rule")
        invitation = ({"rule": _number(rule)} if rule else {}) | {"who": who} | _kept(form, f"i{row}_kept", Invitation)
        invitations.append(_ordered(invitation, Invitation))
        rows.invitations.append(row)
    drafts = []
    for row in range(_count(form, "d_rows")):
        found = _draft(form, row)
        if found is not None:
            drafts.append(found[0])
            rows.drafts.append(row)
            rows.amendments.append(found[1])
    if invitations:
        doc["invitations"] = invitations
    if drafts:
        doc["drafts"] = drafts
    return doc, rows


def _shown(path: FieldPath, at: int, model: StepModel) -> str | None:
    """The box a path inside a step names, if the form shows it."""
    key = path[at] if len(path) > at else None
    return key if isinstance(key, str) and key in STEP_FORM_FIELDS[model] and key != "amendments" else None


def _index(path: FieldPath, at: int, rows: list[Any]) -> int | None:
    value = path[at] if len(path) > at else None
    return value if isinstance(value, int) and 0 <= value < len(rows) else None


def meeting_field_id(path: FieldPath, rows: MeetingRows) -> tuple[str, bool] | None:
    """Where on the form a problem in the meeting belongs, and whether that box is the field itself.

    A problem in what the form does not show (a draft's votes, say) sits by its row's symbol, or by
    the matter for a preliminary question; None when the path is not in the meeting at all.
    """
    head = path[0] if path else None
    if head in ("agenda", "speaking_seconds"):
        return str(head), True
    if head == "invitations":
        index = _index(path, 1, rows.invitations)
        if index is None:
            return "invitations", len(path) == 1
        key = _shown(path, 2, Invitation)
        return f"i{rows.invitations[index]}_{key or 'who'}", key is not None
    if head != "drafts":
        return None
    index = _index(path, 1, rows.drafts)
    if index is None:
        return "drafts", len(path) == 1
    row = rows.drafts[index]
    if len(path) > 2 and path[2] == "amendments":
        number = _index(path, 3, rows.amendments[index])
        if number is None:
            return f"d{row}_symbol", False
        key = _shown(path, 4, Amendment)
        return f"d{row}a{rows.amendments[index][number]}_{key or 'symbol'}", key is not None
    if len(path) > 2 and path[2] == "preliminary":
        return f"d{row}_matter", len(path) == 3
    key = _shown(path, 2, Draft)
    return f"d{row}_{key or 'symbol'}", key is not None


def meeting_label(field_id: str) -> str | None:
    """What the form calls a meeting's box: "Sponsors (codes), amendment 1 to draft 2"."""
    if field_id in LABELS:
        return gettext(LABELS[field_id])
    if (found := _INVITATION.match(field_id)) and found[2] in INVITATION_LABELS:
        # Translators: a box of the form and the invitation it belongs to, in the list of problems ("Who, invitation 2").
        return gettext("%(field)s, invitation %(number)d") % {
            "field": gettext(INVITATION_LABELS[found[2]]),
            "number": int(found[1]) + 1,
        }
    if (found := _DRAFT.match(field_id)) and found[2] in DRAFT_LABELS:
        # Translators: a box of the form and the draft it belongs to, in the list of problems ("Symbol, draft 2").
        return gettext("%(field)s, draft %(number)d") % {
            "field": gettext(DRAFT_LABELS[found[2]]),
            "number": int(found[1]) + 1,
        }
    if (found := _AMENDMENT.match(field_id)) and found[3] in AMENDMENT_LABELS:
        # Translators: a box of the form, its amendment and that amendment's draft ("Summary, amendment 1 to draft 2").
        return gettext("%(field)s, amendment %(amendment)d to draft %(draft)d") % {
            "field": gettext(AMENDMENT_LABELS[found[3]]),
            "amendment": int(found[2]) + 1,
            "draft": int(found[1]) + 1,
        }
    return None


def meeting_place(field_id: str) -> tuple[int, int, int, int] | None:
    """Where a meeting's box comes in the form, for the order of the list of problems."""
    order = ["agenda", "speaking_seconds", "invitations"]
    if field_id in order:
        return (order.index(field_id), 0, 0, 0)
    if (found := _INVITATION.match(field_id)) and found[2] in INVITATION_LABELS:
        return (2, int(found[1]) + 1, 0, list(INVITATION_LABELS).index(found[2]))
    if field_id == "drafts":
        return (3, 0, 0, 0)
    if (found := _DRAFT.match(field_id)) and found[2] in DRAFT_LABELS:
        return (3, int(found[1]) + 1, 0, list(DRAFT_LABELS).index(found[2]))
    if (found := _AMENDMENT.match(field_id)) and found[3] in AMENDMENT_LABELS:
        return (3, int(found[1]) + 1, int(found[2]) + 1, list(AMENDMENT_LABELS).index(found[3]))
    return None


def is_meeting_field(field_id: str) -> bool:
    return meeting_place(field_id) is not None


def _joined(value: Any, separator: str) -> str:
    if isinstance(value, list):
        return separator.join(str(item) for item in value)
    return "" if value is None else str(value)


def _kept_of(step: dict[str, Any], model: StepModel) -> tuple[str, str]:
    """A step's hidden box (JSON) and the words for what it holds: "votes, record"."""
    kept = {k: step[k] for k in STEP_KEPT_FIELDS[model] if step.get(k) not in (None, {}, [])}
    words = ", ".join(gettext(_KEPT_WORDS[k]) if k in _KEPT_WORDS else k for k in kept)
    return (json.dumps(kept, ensure_ascii=False) if kept else ""), words


def _steps(value: Any) -> list[dict[str, Any]]:
    return [item for item in value if isinstance(item, dict)] if isinstance(value, list) else []


def _page_amendment(step: dict[str, Any]) -> dict[str, str]:
    kept, words = _kept_of(step, Amendment)
    return {
        "symbol": _joined(step.get("symbol"), ""),
        "sponsors": _joined(step.get("sponsors"), ", "),
        "summary": _joined(step.get("summary"), ""),
        "kept": kept,
        "kept_words": words,
    }


def _page_draft(step: dict[str, Any]) -> dict[str, Any]:
    kept, words = _kept_of(step, Draft)
    return {
        "symbol": _joined(step.get("symbol"), ""),
        "sponsors": _joined(step.get("sponsors"), ", "),
        "summary": _joined(step.get("summary"), ""),
        "paragraphs": _joined(step.get("paragraphs"), "\n"),
        "matter": _joined(step.get("matter") or DraftMatter.SUBSTANTIVE.value, ""),
        "chapter": _joined(step.get("chapter"), ""),
        "kept": kept,
        "kept_words": words,
        "amendments": [*map(_page_amendment, _steps(step.get("amendments"))), _page_amendment({})],
    }


def _page_invitation(step: dict[str, Any]) -> dict[str, str]:
    kept, words = _kept_of(step, Invitation)
    return {
        "rule": _joined(step.get("rule", 39), ""),
        "who": _joined(step.get("who"), ""),
        "kept": kept,
        "kept_words": words,
    }


def meeting_for_page(data: dict[str, Any], errors: dict[str, list[str]]) -> dict[str, Any]:
    """The meeting as the form shows it: each list with one blank row to add to, open when there is one."""
    seconds = data.get("speaking_seconds", DEFAULT_SECONDS)
    agenda = data.get("agenda")
    invitations = _steps(data.get("invitations"))
    drafts = _steps(data.get("drafts"))
    has_meeting = bool(agenda or invitations or drafts) or str(seconds) != str(DEFAULT_SECONDS)
    return {
        "open": has_meeting or any(is_meeting_field(field_id) for field_id in errors),
        "agenda": _joined(agenda, "\n"),
        "speaking_seconds": _joined(seconds, ""),
        "default_seconds": DEFAULT_SECONDS,
        "invitations": [*map(_page_invitation, invitations), _page_invitation({})],
        "drafts": [*map(_page_draft, drafts), _page_draft({})],
        "rules": _translated(RULES),
        "matters": {m.value: gettext(words) for m, words in MATTERS.items()},
        "chapters": {value: gettext(words) if words else words for value, words in CHAPTERS.items()},
        "labels": _translated(LABELS),
        "invitation_labels": _translated(INVITATION_LABELS),
        "draft_labels": _translated(DRAFT_LABELS),
        "amendment_labels": _translated(AMENDMENT_LABELS),
    }
