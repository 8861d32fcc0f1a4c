"""Changes to the library from the instructor's forms: an edited or new scenario, an upload, a copy.

The web layer parses its form into a scenario document and calls one function here; each raises
``InvalidScenario`` (every problem at once, the file name's among them, a name already taken too) or
``Conflict`` (a form with nothing else wrong that clashes with the folder as it is now).
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from app.domain.errors import Conflict, InvalidScenario, NotFound, Problem
from app.domain.scenario import Scenario, parse_scenario
from app.scenarios.fields import with_kept
from app.scenarios.folder import Library, gone_message, taken_message
from app.scenarios.ids import id_problem, is_valid_id
from app.scenarios.parse import load_bytes
from app.scenarios.yaml_text import render


@dataclass(frozen=True)
class _Opened:
    """The file an edit started from, as it is now."""

    path: Path
    text: str | None  # None when it is no longer UTF-8: it is then rewritten whole
    scenario: Scenario | None  # None when it is no longer valid


def _opened(library: Library, ident: str) -> _Opened | None:
    try:
        path, raw = library.read_source(ident)
    except NotFound:
        return None
    try:
        text: str | None = raw.decode("utf-8-sig")
    except UnicodeDecodeError:
        text = None
    try:
        scenario: Scenario | None = library.get(ident)
    except (InvalidScenario, NotFound):
        scenario = None
    return _Opened(path, text, scenario)


def edit_problems(library: Library, document: dict[str, Any], ident: str | None, file_name: str) -> list[Problem]:
    """What is wrong with a form: the scenario (with the fields the form does not show) and, for a new file, its name."""
    source = _opened(library, ident) if ident else None
    problems = _problems(with_kept(document, source.scenario if source else None), None if ident else file_name)
    return problems + ([] if ident else _name_taken(library, file_name))


def _problems(full: dict[str, Any], file_name: str | None) -> list[Problem]:
    problems: list[Problem] = []
    try:
        parse_scenario(full)
    except InvalidScenario as invalid:
        problems += invalid.problems
    if file_name is not None and not is_valid_id(file_name):
        problems.append(id_problem(file_name))
    return problems


def _name_taken(library: Library, file_name: str) -> list[Problem]:
    """A new file's name already in use, as a problem to list with the others (saving checks it again, locked)."""
    return [Problem(("file_name",), taken_message(file_name))] if library.is_taken(file_name) else []


def save_edit(
    library: Library, document: dict[str, Any], *, ident: str | None, base_hash: str | None, file_name: str
) -> str:
    """Save the form: over the opened file ``ident`` if unchanged since ``base_hash``, else as a new ``file_name``.

    Returns the scenario's id. Comments and whatever the form does not show survive in the opened file.
    """
    source = _opened(library, ident) if ident else None
    full = with_kept(document, source.scenario if source else None)
    problems = _problems(full, None if ident else file_name)
    if problems:
        raise InvalidScenario(problems + ([] if ident else _name_taken(library, file_name)))
    if not ident:
        library.save(file_name, render(full), None)
        return file_name
    if source is None:
        raise Conflict(gone_message(ident))
    if source.path.suffix == ".json":
        text = json.dumps(full, indent=2, ensure_ascii=False) + "\n"
    else:
        text = render(full, source.text)
    library.save(ident, text, base_hash)
    return ident


def upload_id(upload_name: str, name: str) -> str:
    """The id an uploaded file gets: the name asked for, else its own file name made into an id."""
    return name.strip() or Path(upload_name).stem.lower().replace(" ", "-")


def add_upload(library: Library, raw: bytes, upload_name: str, name: str = "") -> str:
    """Add a file as uploaded: checked like `unsc-sim validate`, kept as it is when valid. Returns its id.

    The name it would be saved under is checked with the file, so that every problem shows at once.
    """
    ident = upload_id(upload_name, name)
    problems = [] if is_valid_id(ident) else [id_problem(ident)]
    try:
        load_bytes(raw, upload_name)
    except InvalidScenario as invalid:
        raise InvalidScenario(invalid.problems + problems + _name_taken(library, ident), upload_name) from None
    if problems:
        raise InvalidScenario(problems)
    library.save(ident, raw.decode("utf-8-sig"), None)
    return ident


def duplicate(library: Library, ident: str, new_name: str) -> str:
    """Copy a scenario, comments and all, under a new name. Returns the new id."""
    new_ident = new_name.strip()
    raw = library.read_source(ident)[1]
    library.save(new_ident, raw.decode("utf-8-sig"), None)
    return new_ident
