"""The one rule for scenario ids: a file's name without its extension, and the last part of its address."""

from __future__ import annotations

import re
from pathlib import Path

from app.domain.errors import InvalidScenario, Problem
from app.domain.text import N_, Phrase

ID_PATTERN = re.compile(r"^[a-z0-9][a-z0-9_-]{0,63}$")
SUFFIXES = (".yaml", ".yml", ".json")


def is_valid_id(ident: str) -> bool:
    return ID_PATTERN.fullmatch(ident) is not None  # fullmatch: "$" alone would allow a final newline


def id_message(ident: str) -> str:
    """Why ``ident`` cannot name a scenario file, in the words every caller shows."""
    return Phrase(
        N_(
            "%(ident)r cannot be a file name: use lower-case letters, digits, - and _ (at most 64), "
            "starting with a letter or digit, so that it can serve as the scenario's address"
        ),
        ident=ident,
    )


def id_problem(ident: str) -> Problem:
    """The refusal of a file name chosen in the editor, upload or duplication form."""
    return Problem(("file_name",), id_message(ident))


def check_id(ident: str) -> str:
    """A scenario id from the allowlist, or a clear refusal: nothing may be written outside the folder."""
    if not is_valid_id(ident):
        raise InvalidScenario([id_problem(ident)])
    return ident


def scenario_id(path: Path) -> str:
    return path.stem


def is_scenario_file(path: Path) -> bool:
    return path.suffix in SUFFIXES and not path.name.startswith(".")
