"""The in-browser scenario editor, upload, download and duplication: for the instructor only.

The editor's form becomes a scenario document, which the same model as everywhere else checks;
every problem is listed at once, with a link to the field it concerns, and shown beside that field.
Saving writes YAML atomically into the scenarios folder, refusing to overwrite a file that changed
since it was opened. The verdict's words follow the Matter while nobody has chosen them.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Annotated, Any

from fastapi import APIRouter, File, Form, Request, UploadFile
from fastapi.responses import HTMLResponse, JSONResponse, RedirectResponse, Response
from starlette.concurrency import run_in_threadpool
from starlette.datastructures import FormData

from app import i18n
from app.domain.errors import Conflict, InvalidScenario, Problem
from app.domain.errors import Path as FieldPath
from app.domain.scenario import Member, Scenario
from app.domain.votes import Matter, Vote
from app.i18n import N_, gettext, ngettext
from app.scenarios import (
    FORM_FIELDS,
    FORM_MEMBER_FIELDS,
    MAX_BYTES,
    Library,
    add_upload,
    content_hash,
    councils,
    edit_problems,
    save_edit,
    verdicts,
)
from app.scenarios.edit import duplicate as copy_scenario
from app.scenarios.fields import is_flag
from app.web.auth import CsrfDep, InstructorDep, csrf_token
from app.web.deps import LibraryDep, TemplatesDep
from app.web.editor_languages import language_field_id, languages_for_page, languages_from_form
from app.web.editor_meeting import (
    MeetingRows,
    meeting_field_id,
    meeting_for_page,
    meeting_from_form,
    meeting_label,
    meeting_place,
)
from app.web.errors import translated

router = APIRouter(include_in_schema=False)
MAX_ROWS = 200
# The form's single-line and text-area fields; matter, verdict, members and the meeting have inputs of their own.
_OWN_INPUTS = (
    "matter",
    "verdict",
    "members",
    "agenda",
    "invitations",
    "drafts",
    "speaking_seconds",
    "language",
    "translations",
)
TEXT_FIELDS = tuple(name for name in FORM_FIELDS if name not in _OWN_INPUTS)
# What the form calls each field, in the order of the form: its labels and the list of problems say the same.
# English here, translated where they are shown (``_editor``, ``field_label``).
LABELS = {
    "file_name": N_("File name"),
    "title": N_("Title"),
    "question": N_("The question put to the vote"),
    # Translators: the field for whether the question is procedural or substantive (Art. 27 of the Charter).
    "matter": N_("Matter"),
    "date": N_("Date"),
    "president": N_("President (a member's code)"),
    "context": N_("Briefing for everyone"),
    # Translators: a field's label: the words the page shows when the question is adopted.
    "verdict_adopted": N_("If adopted, say"),
    # Translators: a field's label: the words the page shows when the question is not adopted.
    "verdict_not_adopted": N_("If not adopted, say"),
    "members": N_("Members"),
}
MEMBER_LABELS = {
    "name": N_("Name"),
    "code": N_("Code"),
    # Translators: a column of the members' table: whether the member is a permanent member of the Council.
    "permanent": N_("Permanent"),
    "vote": N_("Starting vote"),
    "party_to_dispute": N_("Party to the dispute"),
    # Translators: a column of the members' table: the delegation's confidential instructions (its brief).
    "brief": N_("Brief"),
}
# The notice when the button offering a Matter's usual words put them in place, one sentence for each Matter.
USUAL_WORDS_IN_PLACE = {
    Matter.PROCEDURAL: N_("The usual words for a procedural question are in place; not saved yet."),
    Matter.SUBSTANTIVE: N_("The usual words for a substantive question are in place; not saved yet."),
}


def _translated_labels(labels: dict[str, str]) -> dict[str, str]:
    return {key: gettext(label) for key, label in labels.items()}


def _text(form: FormData, key: str) -> str:
    value = form.get(key)
    return value.strip() if isinstance(value, str) else ""


def _member_from_form(form: FormData, row: int) -> dict[str, Any]:
    member: dict[str, Any] = {}
    for key in FORM_MEMBER_FIELDS:
        info = Member.model_fields[key]
        name = f"m{row}_{key}"
        if is_flag(info):
            if form.get(name):
                member[key] = True
        elif info.is_required():
            member[key] = _text(form, name)
        elif info.default is not None:  # the vote: a select box, always sent by a browser
            member[key] = _text(form, name) or str(info.default)
        elif _text(form, name):
            member[key] = _text(form, name)
    return member


def _matter(value: object) -> Matter | None:
    return Matter(value) if isinstance(value, str) and value in tuple(Matter) else None


@dataclass(frozen=True)
class Rows:
    """Which form row each member, invitation, draft and amendment of the document came from."""

    members: list[int] = field(default_factory=list)
    meeting: MeetingRows = field(default_factory=MeetingRows)
    codes: list[str] = field(default_factory=list)  # each member's code, as the form gave it


# Where a problem with a whole list is shown: its heading, which the list of problems links to.
HEADINGS = {"members": "members-heading", "invitations": "invitations-heading", "drafts": "drafts-heading"}


def document_from_form(form: FormData) -> tuple[dict[str, Any], Rows]:
    """The scenario document the form describes, and which form row each member or step came from.

    ``matter_shown`` is the Matter the page showed the verdict's words for: if the Matter changed and
    nobody chose those words (a browser without JavaScript), the new Matter's usual words replace them.
    """
    doc: dict[str, Any] = {}
    for key in TEXT_FIELDS:
        if _text(form, key):
            doc[key] = _text(form, key)
    doc["matter"] = _text(form, "matter") or Matter.PROCEDURAL.value
    words = {k: _text(form, f"verdict_{k}") for k in verdicts.WORDS if _text(form, f"verdict_{k}")}
    matter = _matter(doc["matter"])
    if matter is not None:
        words = verdicts.follow(words, _matter(_text(form, "matter_shown")), matter)
    if words:
        doc["verdict"] = words
    members, rows = [], []
    count = min(int(_text(form, "rows") or 0) if _text(form, "rows").isdigit() else 0, MAX_ROWS)
    for row in range(count):
        if not any(_text(form, f"m{row}_{key}") for key in ("code", "name", "brief")):
            continue  # a blank row is no member: blanking a row removes it
        members.append(_member_from_form(form, row))
        rows.append(row)
    doc["members"] = members
    codes = [str(m.get("code", "")) for m in members]
    doc |= languages_from_form(form, rows, codes)
    meeting, meeting_rows = meeting_from_form(form)
    return doc | meeting, Rows(rows, meeting_rows, codes)


def _where(path: FieldPath, rows: Rows) -> tuple[str, bool]:
    """Where on the form a problem belongs, and whether that box holds the very field (not only its row)."""
    if len(path) >= 3 and path[0] == "members" and isinstance(path[1], int) and path[1] < len(rows.members):
        return f"m{rows.members[path[1]]}_{path[2]}", True
    if len(path) == 2 and path[0] == "verdict":
        return f"verdict_{path[1]}", True
    meeting = meeting_field_id(path, rows.meeting)
    if meeting is not None:
        return meeting
    language = language_field_id(path, rows.members, rows.codes)
    if language is not None:
        return language
    if len(path) >= 1 and path[0] in (*FORM_FIELDS, "file_name"):
        return str(path[0]), True
    return "general", True


def field_id(path: FieldPath, rows: Rows) -> str:
    """Where on the form a problem belongs: ``members[3].code`` is row ``rows.members[3]``'s code box."""
    return _where(path, rows)[0]


def field_label(field: str) -> str:
    """What the form calls the field a problem is about, for the list of problems: "Code, row 4"."""
    if field in LABELS:
        return gettext(LABELS[field])
    row, _, key = field[1:].partition("_")
    if field.startswith("m") and row.isdigit() and key in MEMBER_LABELS:
        # Translators: a field of the members' table and its row, in the list of problems ("Code, row 4").
        return gettext("%(field)s, row %(row)d") % {"field": gettext(MEMBER_LABELS[key]), "row": int(row) + 1}
    return meeting_label(field) or ""


def _place(field: str) -> tuple[int, ...]:
    """Where a field comes on the page, so that the list of problems reads in the form's order."""
    order = ["general", *LABELS]  # general problems show above the form; the labels are in the form's order
    if field in order:
        return (order.index(field), 0, 0)
    row, _, key = field[1:].partition("_")
    if field.startswith("m") and row.isdigit() and key in MEMBER_LABELS:
        return (len(order), int(row), list(MEMBER_LABELS).index(key))
    meeting = meeting_place(field)
    if meeting is not None:  # the meeting comes after the members
        return (len(order) + 1, *meeting)
    return (0, 0, 0)


def _for_form(problems: list[Problem], rows: Rows) -> list[dict[str, str]]:
    """Each problem for the page, in the form's order: the field it sits by, the link to it, what the form calls it.

    A problem in what the form does not show of a row (a draft's votes) sits by the row, saying where it is.
    """
    found = []
    for p in sorted(problems, key=lambda p: _place(field_id(p.path, rows))):
        where, exact = _where(p.path, rows)
        label = field_label(where)
        anchor = HEADINGS.get(where, where) if label else ""
        said, field = translated(p.message), p.field_in(i18n.CURRENT)
        # Translators: a problem shown by a box that holds more than its field (a draft's row): the field, what is wrong.
        message = said if exact else gettext("%(field)s: %(message)s") % {"field": field, "message": said}
        found.append({"field_id": where, "field": field, "message": message, "label": label or field, "anchor": anchor})
    return found


def _said(error: Exception) -> str:
    """What an error says, as raised: a domain ``Phrase`` stays one (``str(error)`` would be plain English)."""
    return error.args[0] if len(error.args) == 1 and isinstance(error.args[0], str) else str(error)


def _summary(count: int) -> str:
    if not count:
        return gettext("✓ Valid")
    return ngettext("%(count)d problem to fix", "%(count)d problems to fix", count) % {"count": count}


def _editor(
    request: Request,
    templates: Any,
    *,
    scenario: Scenario | dict[str, Any],
    ident: str | None,
    base_hash: str | None,
    file_name: str = "",
    problems: list[dict[str, str]] | None = None,
    message: str = "",
    status: int = 200,
    matter_was: Matter | None = None,
) -> Response:
    data = scenario.model_dump(mode="json", exclude_none=True) if isinstance(scenario, Scenario) else scenario
    members = list(data.get("members", []))
    rows = [*members, {}]  # one blank row, so a member can be added without JavaScript
    errors: dict[str, list[str]] = {}
    for p in problems or []:
        errors.setdefault(p["field_id"], []).append(p["message"])
    matter = _matter(data.get("matter", Matter.PROCEDURAL.value)) or Matter.PROCEDURAL
    words = data.get("verdict", {})
    context = {
        "doc": data,
        "rows": rows,
        "ident": ident,
        "base_hash": base_hash,
        "file_name": file_name,
        "errors": errors,
        "problems": problems or [],
        "summary": _summary(len(problems or [])),
        "message": message,
        "csrf": csrf_token(request),
        "votes": list(Vote),
        "matters": list(Matter),
        "matter": matter,
        "usual_words": {m: verdicts.usual(m) for m in Matter},
        "plain_words": verdicts.PLAIN.model_dump(),
        "suggest": verdicts.suggestion(words if isinstance(words, dict) else {}, matter_was, matter),
        "labels": _translated_labels(LABELS),
        "member_labels": _translated_labels(MEMBER_LABELS),
        "meeting": meeting_for_page(data, errors),
        "languages": languages_for_page(data, rows),
    }
    return templates.TemplateResponse(request, "editor/edit.html", context, status_code=status)  # type: ignore[no-any-return]


@router.get("/editor", response_class=HTMLResponse)
def editor_start(request: Request, _: InstructorDep, library: LibraryDep, templates: TemplatesDep) -> Response:
    """Start a scenario: from a year's Council, from an existing scenario, or from a file."""
    return _start_page(request, templates, library)


def _start_page(
    request: Request, templates: Any, library: Library, problems: list[Problem] | None = None, upload_name: str = ""
) -> Response:
    context = {
        "years": councils.years(),
        "choices": [e for e in library.entries() if e.scenario is not None],
        "csrf": csrf_token(request),
        "problems": problems or [],
        "upload_name": upload_name,
    }
    status = 422 if problems else 200
    return templates.TemplateResponse(request, "editor/start.html", context, status_code=status)  # type: ignore[no-any-return]


@router.get("/editor/new", response_class=HTMLResponse)
def editor_new(
    request: Request,
    _: InstructorDep,
    library: LibraryDep,
    templates: TemplatesDep,
    year: int | None = None,
    source: str | None = None,
) -> Response:
    """A new scenario, from a blank council of ``year`` or a copy of scenario ``source``."""
    if source:
        scenario = library.get(source)
        name = f"{source}-copy"
    else:
        chosen = year or councils.years()[-1]
        scenario = councils.blank(chosen)
        name = f"my-council-{chosen}"
    return _editor(request, templates, scenario=scenario, ident=None, base_hash=None, file_name=name)


@router.get("/scenarios/{scenario_id}/edit", response_class=HTMLResponse)
def editor_existing(
    scenario_id: str, request: Request, _: InstructorDep, library: LibraryDep, templates: TemplatesDep
) -> Response:
    """Edit a scenario; the file's fingerprint travels with the form to catch edits made meanwhile."""
    scenario = library.get(scenario_id)
    raw = library.read_source(scenario_id)[1]
    return _editor(request, templates, scenario=scenario, ident=scenario_id, base_hash=content_hash(raw))


@router.post("/editor/check")
async def editor_check(request: Request, _: InstructorDep, __: CsrfDep, library: LibraryDep) -> Response:
    """Check the form as the instructor types, with the same model the server saves with."""
    form = await request.form()
    doc, rows = document_from_form(form)
    problems = await run_in_threadpool(
        edit_problems, library, doc, _text(form, "ident") or None, _text(form, "file_name")
    )
    found = _for_form(problems, rows)
    return JSONResponse({"problems": found, "summary": _summary(len(found))})


@router.post("/editor/save")
async def editor_save(
    request: Request, _: InstructorDep, __: CsrfDep, library: LibraryDep, templates: TemplatesDep
) -> Response:
    """Save: a new file, or the opened one if it has not changed since; nothing is lost on refusal.

    The button offering a Matter's usual words (without JavaScript) posts here too: it puts them in the
    verdict's boxes and shows the form again, unsaved.
    """
    form = await request.form()
    doc, rows = document_from_form(form)
    ident = _text(form, "ident") or None
    base_hash = _text(form, "base_hash") or None
    file_name = _text(form, "file_name")
    chosen = _matter(_text(form, "usual_words"))
    if chosen is not None:
        doc["verdict"] = verdicts.usual(chosen)
        return _editor(
            request,
            templates,
            scenario=doc,
            ident=ident,
            base_hash=base_hash,
            file_name=file_name,
            message=gettext(USUAL_WORDS_IN_PLACE[chosen]),
        )
    try:
        saved = await run_in_threadpool(save_edit, library, doc, ident=ident, base_hash=base_hash, file_name=file_name)
    except (InvalidScenario, Conflict) as refusal:
        invalid = isinstance(refusal, InvalidScenario)
        return _editor(
            request,
            templates,
            scenario=doc,
            ident=ident,
            base_hash=base_hash,
            file_name=file_name,
            problems=_for_form(refusal.problems, rows) if isinstance(refusal, InvalidScenario) else None,
            message=gettext("Not saved.") if invalid else translated(_said(refusal)),
            status=422 if invalid else 409,
            matter_was=_matter(_text(form, "matter_shown")),
        )
    return RedirectResponse(f"/scenarios/{saved}?saved=1", status_code=303)


@router.get("/scenarios/{scenario_id}/download")
def download(scenario_id: str, _: InstructorDep, library: LibraryDep) -> Response:
    """The scenario's file, exactly as it is on disk."""
    path, raw = library.read_source(scenario_id)
    media = "application/json" if path.suffix == ".json" else "application/yaml"
    return Response(raw, media_type=media, headers={"Content-Disposition": f'attachment; filename="{path.name}"'})


@router.post("/scenarios/{scenario_id}/duplicate")
def duplicate(
    scenario_id: str, _: InstructorDep, __: CsrfDep, library: LibraryDep, new_name: Annotated[str, Form(max_length=64)]
) -> Response:
    """Copy a scenario, comments and all, under a new name."""
    copy = copy_scenario(library, scenario_id, new_name)
    return RedirectResponse(f"/scenarios/{copy}/edit", status_code=303)


@router.post("/editor/upload", response_class=HTMLResponse)
async def upload(
    request: Request,
    _: InstructorDep,
    __: CsrfDep,
    library: LibraryDep,
    templates: TemplatesDep,
    file: Annotated[UploadFile, File()],
    name: Annotated[str, Form(max_length=64)] = "",
) -> Response:
    """Add a scenario from a file: checked like `unsc-sim validate`, kept byte for byte when valid."""
    raw = await file.read(MAX_BYTES + 1)
    upload_name = Path(file.filename or "upload.yaml").name
    try:
        ident = await run_in_threadpool(add_upload, library, raw, upload_name, name)
    except InvalidScenario as invalid:
        problems = invalid.problems
    except Conflict as conflict:
        problems = [Problem(("file_name",), _said(conflict))]
    else:
        return RedirectResponse(f"/scenarios/{ident}/edit", status_code=303)
    return await run_in_threadpool(_start_page, request, templates, library, problems, upload_name)
