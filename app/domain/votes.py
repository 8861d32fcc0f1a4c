"""The values a vote and a question can take."""

from __future__ import annotations

from enum import StrEnum

from app.domain.text import N_


class Vote(StrEnum):
    """How one member stands on the question."""

    YES = "yes"
    NO = "no"
    ABSTAIN = "abstain"
    ABSENT = "absent"
    NOT_PARTICIPATING = "not_participating"
    UNDECIDED = "undecided"

    @property
    def symbol(self) -> str:
        """A mark that tells the vote apart without colour."""
        return _SYMBOLS[self]

    @property
    def label(self) -> str:
        """The vote in words, for screen readers and tables."""
        return _LABELS[self]


_SYMBOLS = {
    Vote.YES: "✓",
    Vote.NO: "✗",
    Vote.ABSTAIN: "–",
    Vote.ABSENT: "∅",
    Vote.NOT_PARTICIPATING: "◇",
    Vote.UNDECIDED: "?",
}

# English; the page translates them where it shows them (``_(vote.label)``).
_LABELS = {
    # Translators: a vote in favour, as a delegation casts it and the chamber shows it.
    Vote.YES: N_("Yes"),
    # Translators: a vote against, as a delegation casts it and the chamber shows it.
    Vote.NO: N_("No"),
    Vote.ABSTAIN: N_("Abstain"),
    Vote.ABSENT: N_("Absent"),
    Vote.NOT_PARTICIPATING: N_("Did not participate"),
    Vote.UNDECIDED: N_("Undecided"),
}


class Matter(StrEnum):
    """Article 27(2) procedural questions, or 27(3) all other (substantive) ones."""

    PROCEDURAL = "procedural"
    SUBSTANTIVE = "substantive"


class Chapter(StrEnum):
    """The Charter chapter a substantive decision is taken under; the Art. 27(3) proviso depends on it."""

    VI = "VI"
    VII = "VII"
    ART_52_3 = "52(3)"
    OTHER = "other"


class OutcomeKind(StrEnum):
    """Settled either way, or still open while an undecided member can change it."""

    ADOPTED = "adopted"
    NOT_ADOPTED = "not_adopted"
    PENDING = "pending"
