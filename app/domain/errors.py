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

Path = tuple[str | int, ...]


def format_path(path: Path) -> str:
    """Render a field path as an instructor reads it: ``members[3].vote``."""
    text = ""
    for part in path:
        if isinstance(part, int):
            text += f"[{part}]"
        else:
            text += f".{part}" if text else part
    return text or "(the whole document)"


@dataclass(frozen=True)
class Problem:
    """One thing wrong with a scenario: where (a field path, and a line once a file is known) and what."""

    path: Path
    message: str
    line: int | None = None

    @property
    def field(self) -> str:
        return format_path(self.path)

    def describe(self) -> str:
        where = f"line {self.line}, " if self.line else ""
        return f"{where}{self.field}: {self.message}"


class UnscSimError(Exception):
    """Base of every error the simulator raises on purpose."""


class InvalidScenario(UnscSimError):
    """A scenario document that cannot be used; ``problems`` lists every fault found."""

    def __init__(self, problems: list[Problem], source: str | None = None) -> None:
        self.problems = problems
        self.source = source
        super().__init__(self.describe())

    def describe(self) -> str:
        head = f"{self.source}: " if self.source else ""
        lines = [p.describe() for p in self.problems]
        if len(lines) == 1:
            return head + lines[0]
        return head + f"{len(lines)} problems\n" + "\n".join(f"  - {line}" for line in lines)


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
