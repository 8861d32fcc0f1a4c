"""The scenario model: the members of a council, the question put to them, and how each starts.

``Scenario`` checks the shape of a document (types, allowed values, no unknown keys);
``parse_scenario`` adds the checks that need the whole council (counts, uniqueness, the
threshold) and turns every fault into a ``Problem`` an instructor can act on: all of them at once,
the whole-council checks running on whatever passed the field checks.
"""

from __future__ import annotations

import datetime as dt
from collections import Counter
from dataclasses import dataclass
from enum import StrEnum
from functools import cache
from typing import Annotated, Any, Literal

from pydantic import (
    AfterValidator,
    BaseModel,
    BeforeValidator,
    ConfigDict,
    Field,
    StringConstraints,
    TypeAdapter,
    ValidationError,
)
from pydantic_core import PydanticCustomError

from app.domain.errors import InvalidScenario, Path, Problem
from app.domain.text import N_, Phrase
from app.domain.votes import Chapter, Matter, Vote

CHARTER_SEATS = 15
CHARTER_PERMANENT = 5
CHARTER_THRESHOLD = 9

Code = Annotated[str, StringConstraints(pattern=r"^[A-Z][A-Z0-9]{1,7}$")]
# The invisible marks that reorder the text after them (U+202A-202E, U+2066-2069): in a name or a title they would
# turn the rest of an explanation around. A scenario's text never needs them; the reader's page sets direction.
_BIDI_CONTROLS = frozenset("\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069")


def _no_bidi_controls(value: str) -> str:
    found = next((c for c in value if c in _BIDI_CONTROLS), None)
    if found is not None:
        raise PydanticCustomError(
            "bidi_control", "holds the invisible character U+{code}", {"code": f"{ord(found):04X}"}
        )
    return value


def _at_most(limit: int) -> BeforeValidator:
    """The length limit on the text as given, before the spaces around it are stripped: what the JSON Schema's
    ``maxLength`` says (a text of 201 characters is refused even when its last one is a space)."""

    def check(value: object) -> object:
        if isinstance(value, str) and len(value) > limit:
            raise PydanticCustomError(
                "string_too_long", "String should have at most {max_length} characters", {"max_length": limit}
            )
        return value

    return BeforeValidator(check)


Text = Annotated[
    str,
    StringConstraints(strip_whitespace=True, min_length=1, max_length=200),
    _at_most(200),
    AfterValidator(_no_bidi_controls),
]
LongText = Annotated[
    str,
    StringConstraints(strip_whitespace=True, max_length=20_000),
    _at_most(20_000),
    AfterValidator(_no_bidi_controls),
]


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class Member(_Strict):
    """One seat on the council."""

    code: Code = Field(description="Short upper-case code, unique in the council (ISO 3166 alpha-3 suits).")
    name: Text = Field(description="The member's name as the class should see it.")
    permanent: bool = Field(
        default=False, description="A permanent member (Art. 23); on substantive matters its 'no' is a veto."
    )
    vote: Vote = Field(default=Vote.UNDECIDED, description="The starting position.")
    party_to_dispute: bool = Field(
        default=False,
        description=(
            "Art. 27(3), proviso: a party to a dispute must abstain on substantive decisions under Chapter VI "
            "or Art. 52(3) (see chapter); its vote is then counted as an abstention."
        ),
    )
    brief: LongText | None = Field(default=None, description="This delegation's instructions.")
    recorded: bool | None = Field(
        default=None,
        description="For a real vote: true if this position is on the record, false if it is illustrative.",
    )


class Verdict(_Strict):
    """What adoption and rejection mean, in the scenario's own words."""

    adopted: Text = "Adopted"
    not_adopted: Text = "Not adopted"


class Rules(_Strict):
    """A council other than today's: the 11-member council before 1966, or one an instructor imagines."""

    seats: int = Field(default=CHARTER_SEATS, ge=1, le=200, description="How many members the council has.")
    permanent: int = Field(default=CHARTER_PERMANENT, ge=0, le=200, description="How many of them are permanent.")
    threshold: int | None = Field(
        default=None,
        ge=1,
        le=200,
        description="Affirmative votes a decision needs; required when seats is not 15.",
    )

    @property
    def required(self) -> int:
        return self.threshold if self.threshold is not None else CHARTER_THRESHOLD


class Record(_Strict):
    """What really happened, for comparison once every vote is cast."""

    outcome: Literal["adopted", "not_adopted", "not_held"]
    yes: int | None = Field(default=None, ge=0)
    no: int | None = Field(default=None, ge=0)
    abstain: int | None = Field(default=None, ge=0)
    absent: int | None = Field(default=None, ge=0)
    not_participating: int | None = Field(default=None, ge=0, description="Members present who did not vote.")
    supporters: int | None = Field(
        default=None, ge=0, description="For a meeting not held: how many members backed the request. No vote."
    )
    source: Text | None = Field(default=None, description="Where this is recorded, e.g. S/PV.7353.")
    note: LongText | None = Field(default=None, description="What is illustrative rather than recorded.")


Positions = Annotated[
    dict[Code, Vote],
    Field(description="How members vote on this step, by code; members left out are undecided."),
]


class Step(_Strict):
    """Something a meeting may put to the vote: how members stand on it, and what really happened."""

    votes: Positions = Field(default_factory=dict)
    record: Record | None = None


class Invitation(Step):
    """A state not on the Council (rule 37, Arts. 31 and 32) or a briefer (rule 39) asked to take part.

    Agreed without a vote unless ``votes`` are given (a member objected: a procedural vote)."""

    rule: Literal[37, 39] = Field(description="37: a member of the United Nations; 39: a briefer.")
    who: Text


class Amendment(Step):
    symbol: Text
    sponsors: list[Code] = Field(default_factory=list)
    summary: LongText | None = None


class DraftMatter(StrEnum):
    """Procedural, substantive, or contested: members disagree, and the preliminary question is put first."""

    PROCEDURAL = "procedural"
    SUBSTANTIVE = "substantive"
    CONTESTED = "contested"


class Draft(Step):
    """A draft resolution (or a principal motion), with its amendments in the order submitted."""

    symbol: Text
    sponsors: list[Code] = Field(default_factory=list)
    summary: LongText | None = None
    paragraphs: list[LongText] = Field(default_factory=list, description="Operative paragraphs, for separate votes.")
    matter: DraftMatter = DraftMatter.SUBSTANTIVE
    chapter: Chapter | None = None
    preliminary: Step | None = Field(
        default=None, description="For a contested draft: the votes (and record) on whether it is procedural."
    )
    amendments: list[Amendment] = Field(default_factory=list)


# The six official languages of the United Nations, as a scenario names them (ISO 639-1).
Language = Literal["ar", "zh", "en", "fr", "ru", "es"]


class TranslatedVerdict(_Strict):
    """The verdict's words in another language; a word not given falls back to the catalog's."""

    adopted: Text | None = None
    not_adopted: Text | None = None


class Translation(_Strict):
    """A scenario's text in another language. Anything not given is shown in the scenario's own language
    (member names: CLDR's name of the country in that language when the code is a country code)."""

    title: Text | None = None
    question: LongText | None = None
    context: LongText | None = None
    verdict: TranslatedVerdict | None = None
    names: dict[Code, Text] = Field(default_factory=dict, description="Members' names, by code.")
    briefs: dict[Code, LongText] = Field(default_factory=dict, description="Delegations' briefs, by code.")


class Scenario(_Strict):
    """A question before a council, with each member's starting position; or a whole meeting.

    A meeting adds its provisional ``agenda``, the ``invitations`` asked for and the ``drafts`` (with
    their amendments); then ``question`` is the adoption of the agenda (rule 9) and each member's
    ``vote`` their position on it.
    """

    title: Text
    date: dt.date | None = None
    question: LongText = Field(min_length=1, description="What is put to the vote.")
    matter: Matter = Matter.PROCEDURAL
    chapter: Chapter | None = Field(
        default=None,
        description=(
            "For a substantive decision, the Charter chapter it is taken under: VI, VII, 52(3) or other. "
            "A party to the dispute must abstain only under VI or 52(3) (Art. 27(3), proviso)."
        ),
    )
    president: Code | None = Field(default=None, description="The presiding member's code.")
    context: LongText | None = Field(default=None, description="A briefing shown to everyone.")
    verdict: Verdict = Field(default_factory=Verdict)
    members: list[Member] = Field(min_length=1, max_length=200)
    briefs_public: bool = Field(
        default=False,
        description=(
            "Show every delegation's brief to everyone (the board, the API). Otherwise only the instructor "
            "sees them all, and in a live session each student sees their own delegation's brief."
        ),
    )
    rules: Rules | None = None
    record: Record | None = None
    agenda: list[Text] = Field(default_factory=list, description="The items of the provisional agenda.")
    invitations: list[Invitation] = Field(default_factory=list)
    drafts: list[Draft] = Field(default_factory=list)
    speaking_seconds: int = Field(default=180, ge=10, le=3600, description="Each speaker's time, in seconds.")
    language: Language = Field(default="en", description="The language the scenario is written in.")
    translations: dict[Language, Translation] = Field(
        default_factory=dict,
        description="The title, question, context, verdict, names and briefs in other languages, by language.",
    )

    @property
    def is_meeting(self) -> bool:
        """A meeting file: an agenda, invitations or drafts beyond its one question."""
        return bool(self.agenda or self.invitations or self.drafts)

    @property
    def council_rules(self) -> Rules:
        return self.rules or Rules()

    @property
    def required(self) -> int:
        return self.council_rules.required

    def member(self, code: str) -> Member | None:
        return next((m for m in self.members if m.code == code), None)

    @property
    def starting_votes(self) -> dict[str, Vote]:
        return {m.code: m.vote for m in self.members}


@dataclass(frozen=True)
class _Council:
    """What the whole-council checks read: the members' codes, names and flags, the rules, president and record.

    From a valid scenario that is all of it. From a document whose fields failed their own checks it is
    whatever passed them, so that a duplicate code is reported together with a misspelt vote rather than
    only once the vote is fixed; a check whose inputs could not be read is skipped, never guessed at.
    """

    listed: int | None  # how many members are listed; None when the list itself is not usable
    codes: dict[int, str]  # by position in the list, for each member whose code is valid
    names: dict[int, str]
    permanent: int | None  # how many are marked permanent; None when some member's flag cannot be read
    rules_known: bool  # False when rules were given but are themselves invalid
    rules: Rules | None
    president: str | None
    unread_codes: frozenset[str]  # codes given but invalid: a president naming one is not a second fault
    record: Record | None

    @classmethod
    def of(cls, scenario: Scenario) -> _Council:
        members = scenario.members
        return cls(
            listed=len(members),
            codes={index: m.code for index, m in enumerate(members)},
            names={index: m.name for index, m in enumerate(members)},
            permanent=sum(m.permanent for m in members),
            rules_known=True,
            rules=scenario.rules,
            president=scenario.president,
            unread_codes=frozenset(),
            record=scenario.record,
        )


@cache
def _adapter(model: type[BaseModel], name: str) -> TypeAdapter[Any]:
    info = model.model_fields[name]
    field: Any = Annotated[info.annotation, info]  # the type with the field's own constraints
    return TypeAdapter(field)


def _read(model: type[BaseModel], name: str, document: dict[Any, Any]) -> tuple[bool, Any]:
    """One field of ``document`` validated on its own, as ``model`` would: (True, value) or (False, None)."""
    info = model.model_fields[name]
    if name not in document:
        return (False, None) if info.is_required() else (True, info.get_default(call_default_factory=True))
    try:
        return True, _adapter(model, name).validate_python(document[name])
    except ValidationError:
        return False, None


def _salvaged(data: dict[Any, Any], failed: set[Path]) -> _Council:
    """The parts of a document that failed validation which still pass their own field checks."""
    roll = data.get("members")
    members = roll if isinstance(roll, list) else []
    codes: dict[int, str] = {}
    names: dict[int, str] = {}
    unread_codes: set[str] = set()
    permanent: int | None = 0
    for index, member in enumerate(members):
        if not isinstance(member, dict):
            permanent = None
            continue
        read, code = _read(Member, "code", member)
        if read:
            codes[index] = code
        elif isinstance(member.get("code"), str):
            unread_codes.add(member["code"])
        read, name = _read(Member, "name", member)
        if read:
            names[index] = name
        read, flag = _read(Member, "permanent", member)
        permanent = permanent + flag if read and permanent is not None else None
    rules_known, rules = _read(Scenario, "rules", data)
    president = _read(Scenario, "president", data)[1]
    record = _read(Scenario, "record", data)[1]
    usable = isinstance(roll, list) and ("members",) not in failed  # not too short or too long
    return _Council(
        listed=len(members) if usable else None,
        codes=codes,
        names=names,
        permanent=permanent if usable else None,
        rules_known=rules_known,
        rules=rules,
        president=president,
        unread_codes=frozenset(unread_codes),
        record=record,
    )


def _size_problems(council: _Council) -> list[Problem]:
    """The number of seats, the threshold and the permanent seats the rules allow."""
    problems: list[Problem] = []
    if not council.rules_known:
        return problems
    rules = council.rules
    listed = council.listed
    if rules is None:
        if listed is not None and listed != CHARTER_SEATS:
            # Translators: %(seats)d is always 15. "rules", "seats" and "threshold" are keys of the file: keep them.
            # The count of the form is %(listed)d (the English keeps one form for every count).
            said = Phrase.ngettext(
                "the Council has %(seats)d members (Art. 23) but %(listed)d are listed; "
                "for another council, say so under rules (seats, threshold)",
                "the Council has %(seats)d members (Art. 23) but %(listed)d are listed; "
                "for another council, say so under rules (seats, threshold)",
                listed,
                seats=CHARTER_SEATS,
                listed=listed,
            )
            problems.append(Problem(("members",), said))
    else:
        if listed is not None and listed != rules.seats:
            # Translators: "rules.seats" is a key of the file: keep it. The count of the form is %(listed)d
            # (the English keeps one form for every count).
            said = Phrase.ngettext(
                "rules.seats is %(seats)d but %(listed)d members are listed",
                "rules.seats is %(seats)d but %(listed)d members are listed",
                listed,
                seats=rules.seats,
                listed=listed,
            )
            problems.append(Problem(("members",), said))
        if rules.threshold is None and rules.seats != CHARTER_SEATS:
            said = Phrase(
                # Translators: "a council of %(seats)d seats"; the figures in brackets are history, always these.
                N_(
                    "give the number of affirmative votes a %(seats)d-seat council needs "
                    "(the 11-member council before 1966 needed 7)"
                ),
                seats=rules.seats,
            )
            problems.append(Problem(("rules", "threshold"), said))
        if rules.threshold is not None and not rules.seats / 2 < rules.threshold <= rules.seats:
            # Translators: what a council's threshold may be: from %(lowest)d to %(seats)d, the number of seats.
            # The count of the form is %(seats)d (the English keeps one form for every count).
            said = Phrase.ngettext(
                "must be a majority of the %(seats)d seats and not above them "
                "(from %(lowest)d to %(seats)d), not %(threshold)d",
                "must be a majority of the %(seats)d seats and not above them "
                "(from %(lowest)d to %(seats)d), not %(threshold)d",
                rules.seats,
                seats=rules.seats,
                lowest=rules.seats // 2 + 1,
                threshold=rules.threshold,
            )
            problems.append(Problem(("rules", "threshold"), said))
        if rules.permanent > rules.seats:
            # Translators: how many permanent members a council may have (the English keeps one form for every count).
            said = Phrase.ngettext(
                "cannot exceed the %(seats)d seats", "cannot exceed the %(seats)d seats", rules.seats, seats=rules.seats
            )
            problems.append(Problem(("rules", "permanent"), said))
    return problems


def _council_checks(council: _Council) -> list[Problem]:
    problems = _size_problems(council)

    if council.rules_known and council.permanent is not None:
        given = council.rules is not None
        rules = council.rules or Rules()
        if council.permanent != rules.permanent:
            where: Path = ("rules", "permanent") if given else ("members",)
            marked = council.permanent
            if given:
                # Translators: the permanent members a council's rules name, and how many members are marked so.
                # The count of the form is %(marked)d (the English keeps one form for every count).
                said = Phrase.ngettext(
                    "expected %(expected)d permanent members but %(marked)d are marked permanent",
                    "expected %(expected)d permanent members but %(marked)d are marked permanent",
                    marked,
                    expected=rules.permanent,
                    marked=marked,
                )
            else:
                # Translators: %(expected)d is always 5. "rules" and "permanent" are keys of the file: keep them.
                # The count of the form is %(marked)d (the English keeps one form for every count).
                said = Phrase.ngettext(
                    "expected %(expected)d permanent members (Art. 23) but %(marked)d are marked permanent; "
                    "for another council, say so under rules (permanent)",
                    "expected %(expected)d permanent members (Art. 23) but %(marked)d are marked permanent; "
                    "for another council, say so under rules (permanent)",
                    marked,
                    expected=rules.permanent,
                    marked=marked,
                )
            problems.append(Problem(where, said))

    unique = (
        ("code", council.codes, N_("%(value)r is used by another member; each code must be unique")),
        ("name", council.names, N_("%(value)r is used by another member; each name must be unique")),
    )
    for key, values, taken in unique:
        seen: Counter[str] = Counter()
        for index, value in sorted(values.items()):
            normalised = value.casefold()
            if seen[normalised]:
                problems.append(Problem(("members", index, key), Phrase(taken, value=value)))
            seen[normalised] += 1

    codes = set(council.codes.values())
    unread = {code.strip().casefold() for code in council.unread_codes}  # "usa" for "USA" is one fault, not two
    president = council.president
    if president is not None and (codes or unread) and president not in codes and president.casefold() not in unread:
        said = Phrase(
            # Translators: %(codes)s lists the members' codes, as in "USA, FRA, CHN".
            N_("%(president)r is not the code of any member (%(codes)s)"),
            president=president,
            codes=", ".join(sorted(codes)),
        )
        problems.append(Problem(("president",), said))

    if council.record is not None and council.listed is not None:
        problems += record_problems(council.record, council.listed)
    return problems


def council_problems(scenario: Scenario) -> list[Problem]:
    """The faults that only show when the whole council is looked at together."""
    return _council_checks(_Council.of(scenario)) + meeting_problems(scenario) + translation_problems(scenario)


def translation_problems(scenario: Scenario) -> list[Problem]:
    """A translation names members of the council, and translates from the scenario's own language."""
    codes = {m.code for m in scenario.members}
    problems: list[Problem] = []
    for language, translation in scenario.translations.items():
        if language == scenario.language:
            problems.append(
                Problem(("translations", language), N_("is the scenario's own language: edit the fields themselves"))
            )
        for field in ("names", "briefs"):
            problems += [
                Problem(("translations", language, field, code), N_("is not the code of a member of this council"))
                for code in getattr(translation, field)
                if code not in codes
            ]
    return problems


def meeting_problems(scenario: Scenario) -> list[Problem]:
    """A meeting's steps name members of the council, and its drafts and amendments by symbols of their own."""
    codes = {m.code for m in scenario.members}
    return _meeting_checks(codes, len(scenario.members), scenario.invitations, scenario.drafts)


def _salvaged_meeting_problems(data: dict[Any, Any], council: _Council) -> list[Problem]:
    """``meeting_problems`` for a document that failed its field checks: on the invitations and drafts that
    passed theirs, against the codes that passed theirs (skipped when some code could not be read)."""
    if council.unread_codes or council.listed is None or len(council.codes) != council.listed:
        return []
    read_invitations, invitations = _read(Scenario, "invitations", data)
    read_drafts, drafts = _read(Scenario, "drafts", data)
    return _meeting_checks(
        set(council.codes.values()),
        council.listed,
        invitations if read_invitations else [],
        drafts if read_drafts else [],
    )


def _meeting_checks(codes: set[str], seats: int, invitations: list[Invitation], drafts: list[Draft]) -> list[Problem]:
    problems: list[Problem] = []

    def step(path: Path, item: Step, sponsors: list[str] | None = None) -> None:
        for code in item.votes:
            if code not in codes:
                unknown = Phrase(N_("%(code)r is not the code of any member"), code=code)
                problems.append(Problem((*path, "votes", code), unknown))
        for index, code in enumerate(sponsors or []):
            if code not in codes:
                unknown = Phrase(N_("%(code)r is not the code of any member"), code=code)
                problems.append(Problem((*path, "sponsors", index), unknown))
        if item.record is not None:
            problems.extend(Problem((*path, *p.path), p.message) for p in record_problems(item.record, seats))

    for index, invitation in enumerate(invitations):
        step(("invitations", index), invitation)
    symbols: set[str] = set()
    for index, draft in enumerate(drafts):
        step(("drafts", index), draft, draft.sponsors)
        if draft.preliminary is not None:
            if draft.matter is not DraftMatter.CONTESTED:
                problems.append(
                    Problem(("drafts", index, "preliminary"), N_("only a contested draft has a preliminary question"))
                )
            step(("drafts", index, "preliminary"), draft.preliminary)
        for number, amendment in enumerate(draft.amendments):
            step(("drafts", index, "amendments", number), amendment, amendment.sponsors)
        for path, symbol in [(("drafts", index, "symbol"), draft.symbol)] + [
            (("drafts", index, "amendments", n, "symbol"), a.symbol) for n, a in enumerate(draft.amendments)
        ]:
            if symbol in symbols:
                said = Phrase(
                    N_("%(symbol)r is used twice; each draft and amendment has its own symbol"), symbol=symbol
                )
                problems.append(Problem(path, said))
            symbols.add(symbol)
    return problems


_VOTE_FIELDS = ("yes", "no", "abstain", "absent", "not_participating")


def record_problems(record: Record, seats: int) -> list[Problem]:
    """A record's figures must fit the council; a meeting not held has supporters, not votes."""
    problems: list[Problem] = []
    given = [name for name in _VOTE_FIELDS if getattr(record, name) is not None]
    if record.outcome == "not_held":
        problems += [
            Problem(
                ("record", name),
                # Translators: "supporters" is a key of the file: keep it.
                N_("no vote is taken at a meeting that was not held; give the members who backed it as supporters"),
            )
            for name in given
        ]
    elif record.supporters is not None:
        problems.append(
            Problem(
                ("record", "supporters"),
                # Translators: "yes", "no" and "abstain" are keys of the file: keep them.
                N_("is only for a meeting not held; record the votes as yes, no, abstain"),
            )
        )
    total = sum(getattr(record, name) for name in given)
    if total > seats:
        # Translators: the count of the form is %(seats)d (the English keeps one form for every count).
        said = Phrase.ngettext(
            "the recorded votes add up to %(total)d, more than the %(seats)d members",
            "the recorded votes add up to %(total)d, more than the %(seats)d members",
            seats,
            total=total,
            seats=seats,
        )
        problems.append(Problem(("record",), said))
    if record.supporters is not None and record.supporters > seats:
        # Translators: how many supporters a record may give (the English keeps one form for every count).
        said = Phrase.ngettext(
            "cannot exceed the %(seats)d members", "cannot exceed the %(seats)d members", seats, seats=seats
        )
        problems.append(Problem(("record", "supporters"), said))
    return problems


# Our own words for pydantic's errors; any other error keeps pydantic's wording (English).
_PYDANTIC_MESSAGES = {
    "missing": N_("this field is required"),
    "extra_forbidden": N_("is not a known field here (check the spelling)"),
}


def _explain(error: Any) -> str:
    kind = error["type"]
    if kind in _PYDANTIC_MESSAGES:
        return str(_PYDANTIC_MESSAGES[kind])
    if kind == "bidi_control":
        return Phrase(
            # Translators: %(code)s is a character's number, e.g. 202E (RIGHT-TO-LEFT OVERRIDE).
            N_("holds the invisible character U+%(code)s, which reorders the text after it; remove it"),
            code=error.get("ctx", {}).get("code", ""),
        )
    if kind == "enum":
        expected = error.get("ctx", {}).get("expected", "")
        return Phrase(
            # Translators: %(expected)s lists the allowed values as pydantic words them: "'yes', 'no' or 'abstain'".
            N_("%(value)r is not allowed; expected one of %(expected)s"),
            value=error["input"],
            expected=expected,
        )
    if kind == "string_pattern_mismatch":
        return Phrase(
            N_(
                "%(value)r is not a valid code: use 2 to 8 upper-case letters or digits, starting with a letter (e.g. USA)"
            ),
            value=error["input"],
        )
    message = str(error["msg"])
    return message[0].lower() + message[1:] if message else kind


def problems_from_validation(error: ValidationError) -> list[Problem]:
    """Turn pydantic's report into problems phrased for an instructor."""
    return [Problem(tuple(e["loc"]), _explain(e)) for e in error.errors()]


def parse_scenario(data: object) -> Scenario:
    """Validate a scenario document (already parsed from YAML or JSON) completely, or raise ``InvalidScenario``."""
    if not isinstance(data, dict):
        if data is None:
            # Translators: "title", "question" and "members" are keys of the file: keep them.
            said = Phrase(N_("a scenario is a mapping of fields (title, question, members, ...), not nothing"))
        else:
            said = Phrase(
                # Translators: "title", "question" and "members" are keys of the file: keep them. %(kind)s is the
                # kind of value the file holds instead, as Python names it ("list", "str").
                N_("a scenario is a mapping of fields (title, question, members, ...), not a %(kind)s"),
                kind=type(data).__name__,
            )
        raise InvalidScenario([Problem((), said)])
    try:
        scenario = Scenario.model_validate(data)
    except ValidationError as error:
        # Every fault at once: the whole-council checks also run on whatever passed its own checks.
        failed = {tuple(e["loc"]) for e in error.errors()}
        council = _salvaged(data, failed)
        salvaged = _council_checks(council) + _salvaged_meeting_problems(data, council)
        raise InvalidScenario(problems_from_validation(error) + salvaged) from None
    return check_scenario(scenario)


def check_scenario(scenario: Scenario) -> Scenario:
    """Apply the whole-council checks to an already shaped scenario; return it or raise ``InvalidScenario``."""
    problems = council_problems(scenario)
    if problems:
        raise InvalidScenario(problems)
    return scenario
