"""Loading scenario files: every kind of bad file gets one clear error naming file, line and field."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
import yaml

from app.domain.errors import InvalidScenario
from app.domain.votes import Vote
from app.scenarios import MAX_BYTES, load_bytes, load_file, load_text
from tests.conftest import BUNDLED


def problems(text: str | bytes) -> InvalidScenario:
    with pytest.raises(InvalidScenario) as caught:
        if isinstance(text, bytes):
            load_bytes(text, "bad.yaml")
        else:
            load_text(text, "bad.yaml")
    assert caught.value.source == "bad.yaml"
    return caught.value


def test_good_file_loads_with_yaml_yes_and_no_as_votes(good_yaml: str) -> None:
    scenario = load_text(good_yaml, "good.yaml")
    assert scenario.member("CHN").vote is Vote.NO  # type: ignore[union-attr]
    assert scenario.member("FRA").vote is Vote.YES  # type: ignore[union-attr]
    assert scenario.member("CIV").name == "Côte d'Ivoire"  # type: ignore[union-attr]


def test_json_is_accepted_too(good_yaml: str) -> None:
    data = yaml.load(good_yaml, Loader=yaml.BaseLoader)
    text = json.dumps(data, indent="\t")
    assert load_text(text, "good.json").title == "A test question"


@pytest.mark.parametrize("text", ["", "   \n", "# only a comment\n"])
def test_empty_file(text: str) -> None:
    assert "empty" in str(problems(text))


def test_not_yaml() -> None:
    error = problems("title: [unclosed\nquestion: x\n")
    assert "not valid YAML" in str(error)
    assert error.problems[0].line is not None


def test_a_list_instead_of_a_mapping() -> None:
    assert "mapping of fields" in str(problems("- a\n- b\n"))


def test_wrong_member_count_names_the_field_and_line(good_yaml: str) -> None:
    text = "\n".join(good_yaml.splitlines()[:-1]) + "\n"
    error = problems(text)
    [p] = error.problems
    assert p.field == "members" and p.line == 3
    assert "15 members" in p.message and "14" in p.message


def test_duplicate_codes(good_yaml: str) -> None:
    error = problems(good_yaml.replace("code: ZAF", "code: PER"))
    [p] = error.problems
    assert p.field == "members[14].code"
    assert p.line == 18
    assert "unique" in p.message


def test_duplicate_names(good_yaml: str) -> None:
    [p] = problems(good_yaml.replace("name: South Africa", "name: peru")).problems
    assert p.field == "members[14].name"


def test_unknown_vote_value(good_yaml: str) -> None:
    [p] = problems(good_yaml.replace("vote: undecided", "vote: maybe")).problems
    assert p.field == "members[4].vote" and p.line == 8
    assert "'maybe'" in p.message and "'abstain'" in p.message


def test_unknown_key_is_an_error_not_ignored(good_yaml: str) -> None:
    error = problems(good_yaml.replace("members:", "memebrs:"))
    fields = {p.field for p in error.problems}
    assert fields == {"memebrs", "members"}
    assert any("check the spelling" in p.message and p.line == 3 for p in error.problems)


def test_alias_bomb_is_refused_at_once() -> None:
    bomb = 'a: &a ["x","x","x","x","x","x","x","x","x"]\nb: &b [*a,*a,*a,*a,*a,*a,*a,*a,*a]\nc: &c [*b,*b,*b,*b,*b,*b,*b,*b,*b]\n'
    error = problems(bomb)
    assert "anchors and aliases" in str(error)
    assert error.problems[0].line == 1


@pytest.mark.parametrize(
    "tag",
    ["!!python/object/apply:os.system ['echo pwned']", "!!python/name:os.system", "!custom 1", "!!binary aGVsbG8="],
)
def test_code_running_and_custom_tags_are_refused(tag: str) -> None:
    error = problems(f"title: {tag}\n")
    assert "tag" in str(error) and "not allowed" in str(error)


def test_oversized_file() -> None:
    assert "at most" in str(problems(b"# " + b"x" * MAX_BYTES + b"\n"))


def test_not_utf8() -> None:
    error = problems("title: Côte\n".encode("latin-1"))
    assert "not UTF-8" in str(error) and error.problems[0].line == 1


def test_control_characters_are_refused_with_their_line() -> None:
    error = problems("title: a\nquestion: b\x00\n")
    assert "character YAML does not allow (code 0x0000)" in str(error) and error.problems[0].line == 2


def test_deep_nesting_is_refused_without_crashing() -> None:
    assert "nested" in str(problems("title: " + "[" * 5000 + "]" * 5000 + "\n"))


def test_duplicate_keys_are_refused(good_yaml: str) -> None:
    error = problems("title: a\ntitle: b\n" + good_yaml.split("\n", 1)[1])
    [p] = error.problems
    assert "appears twice" in p.message and p.line == 2 and p.field == "title"


def test_problems_in_every_layer_are_reported_at_once(good_yaml: str) -> None:
    """YAML (a repeated key, a tag), fields (a vote) and the whole council (count, codes, president): one report."""
    head, roll = good_yaml.split("members:\n")
    text = (
        head
        + "question: Adoption of the agenda, again\n"  # line 3: the key appears twice
        + "date: !custom 2019-12-10\n"  # line 4: a tag
        + "president: XYZ\n"  # line 5: not a member
        + "members:\n"  # line 6: fourteen members
        + roll.replace("vote: undecided", "vote: maybe")  # line 11: not a vote
        .replace("code: KWT", "code: PER")  # line 18: Peru's code twice
        .replace("  - {code: ZAF, name: South Africa, vote: abstain}\n", "")
    )
    found = problems(text).problems
    assert [(p.line, p.field) for p in found] == [  # the reading's, the fields', then the whole council's
        (3, "question"),
        (4, "date"),
        (11, "members[4].vote"),
        (6, "members"),
        (19, "members[12].code"),
        (5, "president"),
    ]
    assert "appears twice" in found[0].message and "tag" in found[1].message
    assert "'maybe' is not allowed" in found[2].message and "14 are listed" in found[3].message
    assert "used by another member" in found[4].message and "'XYZ' is not the code of any member" in found[5].message


def test_a_value_refused_while_reading_is_not_reported_again_as_missing(good_yaml: str) -> None:
    error = problems(good_yaml.replace("title: A test question", "title: !custom A test question"))
    [p] = error.problems
    assert p.field == "title" and "tag" in p.message and p.line == 1
    error = problems(good_yaml.replace("{code: BEL,", "!custom {code: BEL,"))
    [p] = error.problems  # the row is unread: neither "not a mapping" nor a wrong count of permanent members
    assert p.field == "members[5]" and p.line == 9


def test_council_checks_skip_what_could_not_be_read(good_yaml: str) -> None:
    """A bad code is one fault: not also a president nobody has, nor a duplicate of the real one."""
    text = good_yaml.replace("code: USA", "code: usa") + "president: USA\n"
    assert [p.field for p in problems(text).problems] == ["members[4].code"]
    text = good_yaml.replace("permanent: true, vote: undecided", "permanent: perhaps, vote: undecided")
    assert [p.field for p in problems(text).problems] == ["members[4].permanent"]  # not "4 are marked permanent"
    text = good_yaml.replace("title: A test question\n", "") + "rules: {seats: 0}\n"
    assert [p.field for p in problems(text).problems] == ["title", "rules.seats"]  # not "15 members but 0 seats"


def test_council_checks_run_on_whatever_passed_its_own_checks(good_yaml: str) -> None:
    text = good_yaml.replace("name: Peru", "name: Kuwait").replace("name: China", "name: ")
    text += "record: {outcome: adopted, yes: 20}\nrules: {seats: 15, threshold: 3}\n"
    fields = [p.field for p in problems(text).problems]
    assert fields == ["members[0].name", "rules.threshold", "members[12].name", "record"]


def test_every_problem_is_reported_at_once(good_yaml: str) -> None:
    text = (
        good_yaml.replace("vote: undecided", "vote: maybe")
        .replace("code: ZAF", "code: zaf")
        .replace("title: A test question\n", "")
    )
    assert {p.field for p in problems(text).problems} == {"title", "members[4].vote", "members[14].code"}


def test_president_must_be_a_member(good_yaml: str) -> None:
    [p] = problems(good_yaml + "president: XYZ\n").problems
    assert p.field == "president" and "not the code of any member" in p.message


def test_departing_council_must_say_so_through_rules(good_yaml: str) -> None:
    [p] = problems(good_yaml.replace("Equatorial Guinea", "Equatorial Guinea, permanent: true")).problems
    assert "permanent" in p.message and "rules" in p.message


@pytest.mark.parametrize(
    ("rules", "message"),
    [
        ("{seats: 15, threshold: 7}", "majority"),
        ("{seats: 15, threshold: 16}", "not above"),
        ("{seats: 11}", "threshold"),
    ],
)
def test_threshold_checks(good_yaml: str, rules: str, message: str) -> None:
    assert message in str(problems(good_yaml + f"rules: {rules}\n"))


def test_eleven_member_council_with_rules_is_valid(good_yaml: str) -> None:
    lines = good_yaml.splitlines()
    text = "\n".join(lines[:-4]) + "\nrules: {seats: 11, threshold: 7}\n"
    assert load_text(text, "1950.yaml").required == 7


def test_load_file_reports_a_missing_file(tmp_path: Path) -> None:
    with pytest.raises(InvalidScenario, match="cannot be read"):
        load_file(tmp_path / "nope.yaml")


def test_a_meeting_files_problems_come_with_the_others_at_once() -> None:
    """An unknown sponsor and a duplicate symbol are reported together with a misspelt vote elsewhere."""
    text = (BUNDLED / "class-meeting-2026.yaml").read_text(encoding="utf-8")
    text = text.replace("{code: BHR, name: Bahrain, vote: yes}", "{code: BHR, name: Bahrain, vote: yess}")
    text = text.replace("sponsors: [PAK]", "sponsors: [XXX]").replace("symbol: S/2026/102", "symbol: S/2026/101")
    with pytest.raises(InvalidScenario) as raised:
        load_text(text, "meeting.yaml")
    messages = " | ".join(p.message for p in raised.value.problems)
    assert "'yess' is not allowed" in messages
    assert "'XXX' is not the code of any member" in messages and "is used twice" in messages


def test_a_date_that_cannot_exist_is_a_problem_with_its_line() -> None:
    text = (BUNDLED / "council-2026.yaml").read_text(encoding="utf-8").replace("title:", "date: 2020-13-45\ntitle:", 1)
    with pytest.raises(InvalidScenario) as raised:
        load_text(text, "x.yaml")
    assert any(
        p.field == "date" and p.line is not None and "cannot read this value" in p.message
        for p in raised.value.problems
    )


def test_a_length_limit_counts_the_text_as_given_as_the_json_schema_says(good_yaml: str) -> None:
    """Spaces around a text are stripped, but only after its length is checked: the JSON Schema's maxLength and
    the loader agree on what is too long (a title of 201 characters whose last one is a space is refused)."""
    fits = good_yaml.replace("title: A test question", f"title: '{'T' * 199} '")
    assert load_text(fits, "good.yaml").title == "T" * 199
    error = problems(good_yaml.replace("title: A test question", f"title: '{'T' * 200} '"))
    [p] = error.problems
    assert p.field == "title" and p.line == 1 and "at most 200 characters" in p.message
