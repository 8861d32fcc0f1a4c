"""The one tree of errors the domain raises.

    UnscSimError                 base of everything below
    ├── InvalidScenario          a scenario document breaks the format or the council's rules
    ├── InvalidRequest           a request's value is not acceptable (a name with control characters)
    ├── NotFound                 a scenario, session or seat that does not exist
    ├── Forbidden                the caller may not do this (a student acting for another seat)
    └── Conflict                 the request clashes with the current state (seat taken, voting closed)

The web layer maps them in one place: 422, 422, 404, 403 and 409.
"""

from __future__ import annotations

from dataclasses import dataclass

from app.domain.text import ENGLISH, N_, Phrase, Translator, translated

Path = tuple[str | int, ...]
# What a problem with no field of its own is about (a file that is not YAML, too big, empty).
# Translators: shown where a field's name would be, for a problem with a scenario file as a whole.
WHOLE_DOCUMENT = Phrase(N_("(the whole document)"))


def format_path(path: Path) -> str:
    """Render a field path as an instructor reads it: ``members[3].vote`` (the file's own words, never
    translated), or ``WHOLE_DOCUMENT`` (a ``Phrase``: see ``Problem.field_in``)."""
    text = ""
    for part in path:
        if isinstance(part, int):
            text += f"[{part}]"
        else:
            text += f".{part}" if text else part
    return text or WHOLE_DOCUMENT


@dataclass(frozen=True)
class Problem:
    """One thing wrong with a scenario: where (a field path, and a line once a file is known) and what.

    ``message`` is English, a ``Phrase`` or a sentence marked ``N_`` (pydantic's own wording where we have
    none): ``describe`` and ``field_in`` word it in a reader's language (see ``text.translated``).
    """

    path: Path
    message: str
    line: int | None = None

    @property
    def field(self) -> str:
        return format_path(self.path)

    def field_in(self, translate: Translator = ENGLISH) -> str:
        """``field`` for a reader of ``translate``'s language: a path is the file's own keys, kept as they are;
        only ``WHOLE_DOCUMENT`` is translated."""
        field = self.field
        return field.translated(translate) if isinstance(field, Phrase) else field

    def describe(self, translate: Translator = ENGLISH) -> str:
        """The problem on one line, as `unsc-sim validate` prints it: "line 4, members[2].vote: ..."."""
        said = {"field": self.field_in(translate), "message": translated(self.message, translate)}
        if self.line:
            # Translators: one problem with a scenario file: its line, its field (as the file names it), what is wrong.
            return translate.gettext("line %(line)d, %(field)s: %(message)s") % {"line": self.line, **said}
        # Translators: one problem with a scenario file: its field (as the file names it), what is wrong.
        return translate.gettext("%(field)s: %(message)s") % said


class UnscSimError(Exception):
    """Base of every error the simulator raises on purpose."""


class InvalidScenario(UnscSimError):
    """A scenario document that cannot be used; ``problems`` lists every fault found."""

    def __init__(self, problems: list[Problem], source: str | None = None) -> None:
        self.problems = problems
        self.source = source
        super().__init__(self.describe())

    def describe(self, translate: Translator = ENGLISH) -> str:
        """Every problem, in the language of ``translate`` (English by default, as the exception's own text)."""
        lines = [p.describe(translate) for p in self.problems]
        if len(lines) == 1:
            text = lines[0]
        else:
            # Translators: how many problems a scenario file has; the list of them follows, one a line.
            count = translate.ngettext("%(count)d problem", "%(count)d problems", len(lines)) % {"count": len(lines)}
            text = count + "\n" + "\n".join(f"  - {line}" for line in lines)
        if not self.source:
            return text
        # Translators: a scenario file (its name or path), then what is wrong with it.
        return translate.gettext("%(source)s: %(problems)s") % {"source": self.source, "problems": text}


class InvalidRequest(UnscSimError):
    """A value in a request that cannot be accepted; ``field`` names it for the form."""

    def __init__(self, field: str, message: str) -> None:
        self.field = field
        self.message = message
        super().__init__(f"{field}: {message}")


class NotFound(UnscSimError):
    """Something asked for by name does not exist."""


class Forbidden(UnscSimError):
    """The caller is not allowed to do this."""


class Conflict(UnscSimError):
    """The request is well formed but clashes with the current state."""
