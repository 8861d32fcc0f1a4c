"""The scenarios a server lists: the user's folder first, then the bundled scenarios it does not replace."""

from __future__ import annotations

from pathlib import Path

from app.paths import BUNDLED_SCENARIOS
from app.scenarios import Entry, Library
from app.settings import Settings


class LayeredLibrary(Library):
    """``folder`` is the user's (the editor saves there); a file there replaces a bundled one of the same name."""

    def __init__(self, folder: Path, beneath: Library) -> None:
        super().__init__(folder)
        self.beneath = beneath

    def entries(self) -> list[Entry]:
        own = super().entries()
        taken = {entry.id for entry in own}
        return own + [entry for entry in self.beneath.entries() if entry.id not in taken]


def _same(a: Path, b: Path) -> bool:
    try:
        return a.resolve() == b.resolve()
    except OSError:
        return False


def library_for(settings: Settings) -> Library:
    if not settings.bundled_scenarios or _same(settings.scenarios_dir, BUNDLED_SCENARIOS):
        return Library(settings.scenarios_dir)
    return LayeredLibrary(settings.scenarios_dir, Library(BUNDLED_SCENARIOS))
