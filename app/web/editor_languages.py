"""The editor's languages: which language the file is written in, and its text in the other five.

Each other language is a section of the form (closed until opened) with the title, question, context,
the verdict's words and, for each member row, a name and a brief. Form names: ``tr_<lang>_<field>``
and ``tr_<lang>_m<row>_<name|brief>``, where ``row`` is the member's row in the members table, so a
translated brief follows its member when rows are added or removed. Only what is filled in is written.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from starlette.datastructures import FormData

from app import i18n
from app.domain.errors import Path as FieldPath

TEXTS = ("title", "question", "context")
VERDICT_WORDS = ("adopted", "not_adopted")


def _text(form: FormData, key: str) -> str:
    value = form.get(key)
    return value.strip() if isinstance(value, str) else ""


def languages_from_form(form: FormData, member_rows: list[int], codes: list[str]) -> dict[str, Any]:
    """``language`` and ``translations`` as the form gives them; ``member_rows[i]`` is the form row of the
    i-th member of the document, whose code is ``codes[i]``."""
    own = _text(form, "language") or i18n.SOURCE
    doc: dict[str, Any] = {"language": own} if own != i18n.SOURCE else {}  # English, the default, goes unsaid
    translations: dict[str, Any] = {}
    for language in i18n.LANGUAGES:  # the file's own language too: text there is reported, never dropped
        prefix = f"tr_{language}_"
        block: dict[str, Any] = {key: _text(form, prefix + key) for key in TEXTS if _text(form, prefix + key)}
        words = {key: _text(form, prefix + key) for key in VERDICT_WORDS if _text(form, prefix + key)}
        if words:
            block["verdict"] = words
        for field in ("names", "briefs"):
            key = field[:-1]
            given = {
                code: _text(form, f"{prefix}m{row}_{key}")
                for row, code in zip(member_rows, codes, strict=True)
                if code and _text(form, f"{prefix}m{row}_{key}")
            }
            if given:
                block[field] = given
        if block:
            translations[language] = block
    if translations:
        doc["translations"] = translations
    return doc


def language_field_id(path: FieldPath, member_rows: list[int], codes: list[str]) -> tuple[str, bool] | None:
    """The form's box for a problem under ``translations`` or ``language``, or None if it is elsewhere."""
    if path[:1] == ("language",):
        return "language", True
    if len(path) < 2 or path[0] != "translations" or not isinstance(path[1], str):
        return None
    language = path[1]
    if len(path) >= 3 and path[2] in TEXTS:
        return f"tr_{language}_{path[2]}", True
    if len(path) >= 4 and path[2] == "verdict" and path[3] in VERDICT_WORDS:
        return f"tr_{language}_{path[3]}", True
    if len(path) >= 4 and path[2] in ("names", "briefs") and path[3] in codes:
        row = member_rows[codes.index(str(path[3]))]
        return f"tr_{language}_m{row}_{str(path[2])[:-1]}", True
    return f"tr_{language}", False


@dataclass(frozen=True)
class LanguageSection:
    code: str
    name: str  # the language's name in itself
    values: dict[str, str]  # tr_<lang>_<field> -> value
    filled: int  # how many boxes hold text, for the section's summary


def languages_for_page(data: dict[str, Any], members: list[dict[str, Any]]) -> dict[str, Any]:
    """What the form's languages section shows for a document (as ``model_dump`` or as the form gave it)."""
    own = data.get("language") or i18n.SOURCE
    translations = data.get("translations") or {}
    sections = []
    for language in i18n.LANGUAGES:
        if language == own and language not in translations:  # shown only to say it should not be there
            continue
        block = translations.get(language) or {}
        prefix = f"tr_{language}_"
        values = {prefix + key: str(block.get(key) or "") for key in TEXTS}
        verdict = block.get("verdict") or {}
        values |= {prefix + key: str(verdict.get(key) or "") for key in VERDICT_WORDS}
        for row, member in enumerate(members):
            code = member.get("code", "")
            values[f"{prefix}m{row}_name"] = str((block.get("names") or {}).get(code, ""))
            values[f"{prefix}m{row}_brief"] = str((block.get("briefs") or {}).get(code, ""))
        sections.append(
            LanguageSection(language, i18n.NATIVE_NAMES[language], values, sum(1 for v in values.values() if v))
        )
    return {"own": own, "sections": sections, "choices": [(c, i18n.NATIVE_NAMES[c]) for c in i18n.LANGUAGES]}
