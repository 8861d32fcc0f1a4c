"""The values a vote and a question can take."""

from __future__ import annotations

from enum import StrEnum


class Vote(StrEnum):
    """How one member stands on the question."""

    YES = "yes"
    NO = "no"
    ABSTAIN = "abstain"
    ABSENT = "absent"
    UNDECIDED = "undecided"

    @property
    def symbol(self) -> str:
        """A mark that tells the vote apart without colour."""
        return _SYMBOLS[self]

    @property
    def label(self) -> str:
        return _LABELS[self]


_SYMBOLS = {
    Vote.YES: "✓",
    Vote.NO: "✗",
    Vote.ABSTAIN: "–",
    Vote.ABSENT: "∅",
    Vote.UNDECIDED: "?",
}

_LABELS = {
    Vote.YES: "Yes",
    Vote.NO: "No",
    Vote.ABSTAIN: "Abstain",
    Vote.ABSENT: "Absent",
    Vote.UNDECIDED: "Undecided",
}


class Matter(StrEnum):
    """Article 27(2) procedural questions, or 27(3) all other (substantive) ones."""

    PROCEDURAL = "procedural"
    SUBSTANTIVE = "substantive"


class OutcomeKind(StrEnum):
    """Settled either way, or still open while an undecided member can change it."""

    ADOPTED = "adopted"
    NOT_ADOPTED = "not_adopted"
    PENDING = "pending"
