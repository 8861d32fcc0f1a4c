"""The usual words for a result, by matter, and when a scenario's words are still only those.

A procedural vote on the agenda decides whether the meeting convenes; a substantive vote whether a
draft resolution is adopted. When the editor's Matter changes, words nobody chose follow it (the
usual words of the old matter, the model's plain default, or nothing); words an instructor wrote stay,
with the usual ones offered a click away. The page shows these words from here, never from its script.
"""

from __future__ import annotations

from collections.abc import Mapping

from app.domain.scenario import Verdict
from app.domain.votes import Matter

USUAL: dict[Matter, Verdict] = {
    Matter.PROCEDURAL: Verdict(adopted="The meeting convenes", not_adopted="The meeting does not convene"),
    Matter.SUBSTANTIVE: Verdict(
        adopted="The draft resolution is adopted", not_adopted="The draft resolution is not adopted"
    ),
}
PLAIN = Verdict()  # what a scenario says when it gives no words: the form's placeholders
WORDS: tuple[str, ...] = tuple(Verdict.model_fields)  # adopted, not_adopted


def usual(matter: Matter) -> dict[str, str]:
    return USUAL[matter].model_dump()


def _as_read(words: Mapping[str, str]) -> dict[str, str]:
    """The words as a scenario would read them: a blank box is the plain default."""
    return {key: words.get(key, "").strip() or str(getattr(PLAIN, key)) for key in WORDS}


def untouched(words: Mapping[str, str], matter: Matter) -> bool:
    """Whether nobody chose these words for the scenario: they are blank, plain, or ``matter``'s usual ones."""
    read = _as_read(words)
    return read in (PLAIN.model_dump(), usual(matter))


def follow(words: Mapping[str, str], was: Matter | None, now: Matter) -> dict[str, str]:
    """The words once the matter changed from ``was`` to ``now``: the new usual ones if nobody chose the old."""
    if was is not None and was is not now and untouched(words, was):
        return usual(now)
    return dict(words)


def suggestion(words: Mapping[str, str], was: Matter | None, now: Matter) -> Matter | None:
    """The matter whose usual words to offer beside the verdict boxes, if any.

    Offered when the matter has just changed under words someone chose, or when the words are the usual
    ones of the other matter (a substantive draft that would "convene"); never for a scenario's own words.
    """
    if _as_read(words) == usual(now):
        return None
    if was is not None and was is not now and not untouched(words, was):
        return now
    others = [usual(matter) for matter in Matter if matter is not now]
    return now if _as_read(words) in others else None
