"""Saving the editor's forms, uploads and copies: the service the web layer calls."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
import yaml

from app.domain.errors import Conflict, InvalidScenario
from app.domain.scenario import Scenario
from app.scenarios import (
    SCENARIO_FIELDS,
    Library,
    add_upload,
    content_hash,
    duplicate,
    edit_problems,
    id_message,
    load_file,
    load_text,
    render,
    save_edit,
)
from app.scenarios.fields import FORM_FIELDS, FORM_MEMBER_FIELDS, KEPT_FIELDS, KEPT_MEMBER_FIELDS, with_kept
from tests.conftest import BUNDLED


def form_document(text: str) -> dict[str, Any]:
    """What the editor's form would send for ``text``: only the fields it shows."""
    data = yaml.load(text, Loader=yaml.BaseLoader)
    return {key: value for key, value in data.items() if key in FORM_FIELDS}


def test_the_form_shows_every_field_but_those_kept() -> None:
    assert set(FORM_FIELDS) | set(KEPT_FIELDS) == set(Scenario.model_fields)
    assert {"rules", "record"} <= set(KEPT_FIELDS)
    assert list(SCENARIO_FIELDS) == list(Scenario.model_fields)


def test_a_fresh_file_is_written_in_the_models_order(good_yaml: str) -> None:
    document = dict(reversed(list(yaml.safe_load(good_yaml).items()))) | {"context": "c", "president": "CHN"}
    document["record"] = {"outcome": "adopted"}
    text = render(document)
    keys = list(yaml.safe_load(text))
    assert keys == [name for name in SCENARIO_FIELDS if name in keys]


def test_an_edit_keeps_what_the_form_does_not_show(scenario_dir: Path, good_yaml: str) -> None:
    path = scenario_dir / "good.yaml"
    text = good_yaml + "rules: {seats: 15, threshold: 10}\nrecord: {outcome: adopted}  # as it happened\n"
    path.write_text(text, encoding="utf-8")
    library = Library(scenario_dir)
    document = form_document(text) | {"title": "Renamed"}
    assert save_edit(library, document, ident="good", base_hash=content_hash(text.encode()), file_name="") == "good"
    saved = path.read_text(encoding="utf-8")
    assert "title: Renamed" in saved and "threshold: 10" in saved and "# as it happened" in saved
    assert library.get("good").required == 10


@pytest.mark.skipif("recorded" not in KEPT_MEMBER_FIELDS, reason="the model has no member field the form hides")
def test_member_fields_the_form_does_not_show_survive(scenario_dir: Path, good_yaml: str) -> None:
    text = good_yaml.replace("vote: no}", "vote: no, recorded: true}", 1)
    (scenario_dir / "good.yaml").write_text(text, encoding="utf-8")
    library = Library(scenario_dir)
    document = form_document(text)
    document["members"] = [{k: v for k, v in m.items() if k in FORM_MEMBER_FIELDS} for m in document["members"]]
    assert with_kept(document, library.get("good"))["members"][0]["recorded"] is True
    save_edit(library, document, ident="good", base_hash=content_hash(text.encode()), file_name="")
    assert library.get("good").members[0].recorded is True


def test_every_problem_at_once_the_file_names_too(scenario_dir: Path, good_yaml: str) -> None:
    document = form_document(good_yaml)
    del document["title"]
    with pytest.raises(InvalidScenario) as caught:
        save_edit(Library(scenario_dir), document, ident=None, base_hash=None, file_name="Bad Name")
    assert {p.field for p in caught.value.problems} == {"title", "file_name"}
    assert id_message("Bad Name") in {p.message for p in caught.value.problems}
    assert not (scenario_dir / "Bad Name.yaml").exists()


def test_upload_and_duplicate_keep_the_text(scenario_dir: Path, good_yaml: str) -> None:
    library = Library(scenario_dir)
    raw = ("# my comment\n" + good_yaml).encode()
    assert add_upload(library, b"\xef\xbb\xbf" + raw, "My Class.yaml") == "my-class"
    assert (scenario_dir / "my-class.yaml").read_bytes() == raw
    assert duplicate(library, "my-class", " my-copy ") == "my-copy"
    assert (scenario_dir / "my-copy.yaml").read_bytes() == raw
    with pytest.raises(InvalidScenario, match="line 3"):
        add_upload(library, good_yaml.replace("members:", "memebrs:").encode(), "typo.yaml")


def test_an_upload_reports_the_file_and_its_name_at_once(scenario_dir: Path, good_yaml: str) -> None:
    library = Library(scenario_dir)
    broken = good_yaml.replace("vote: undecided", "vote: maybe").replace("code: ZAF", "code: PER").encode()
    with pytest.raises(InvalidScenario) as caught:
        add_upload(library, broken, "upload.yaml", "good")  # "good" is taken
    assert [p.field for p in caught.value.problems] == ["members[4].vote", "members[14].code", "file_name"]
    assert "already exists" in caught.value.problems[-1].message
    with pytest.raises(InvalidScenario) as caught:
        add_upload(library, broken, "My File (2).yaml")
    assert [p.field for p in caught.value.problems] == ["members[4].vote", "members[14].code", "file_name"]
    assert caught.value.problems[-1].message == id_message("my-file-(2)")
    assert sorted(p.name for p in scenario_dir.iterdir()) == ["good.yaml"]


def test_a_new_files_taken_name_is_listed_with_the_other_problems(scenario_dir: Path, good_yaml: str) -> None:
    library = Library(scenario_dir)
    document = form_document(good_yaml)
    assert [p.field for p in edit_problems(library, document, None, "good")] == ["file_name"]
    assert edit_problems(library, document, "good", "") == []  # editing the file itself
    del document["title"]
    with pytest.raises(InvalidScenario) as caught:
        save_edit(library, document, ident=None, base_hash=None, file_name="good")
    assert [p.field for p in caught.value.problems] == ["title", "file_name"]
    with pytest.raises(Conflict, match="already exists"):  # nothing else wrong: the folder's state decides
        save_edit(library, form_document(good_yaml), ident=None, base_hash=None, file_name="good")


@pytest.mark.parametrize("path", sorted(BUNDLED.glob("*.yaml")), ids=lambda p: p.stem)
def test_every_bundled_file_is_written_back_as_it_was(path: Path) -> None:
    """Nothing the model reads is lost or moved: long lines, flow style, comments and left-out defaults."""
    text = path.read_text(encoding="utf-8")
    assert render(load_file(path).model_dump(mode="json", exclude_none=True), text) == text


def meeting_document() -> tuple[str, dict[str, Any]]:
    text = (BUNDLED / "class-meeting-2026.yaml").read_text(encoding="utf-8")
    return text, load_file(BUNDLED / "class-meeting-2026.yaml").model_dump(mode="json", exclude_none=True)


def test_a_removed_draft_takes_only_its_own_lines() -> None:
    text, document = meeting_document()
    document["drafts"] = document["drafts"][1:]
    lines = text.splitlines()
    first, second = lines.index("drafts:") + 1, next(i for i, line in enumerate(lines) if "symbol: S/2026/102" in line)
    assert render(document, text).splitlines() == lines[:first] + lines[second:]


def test_a_new_step_is_written_in_its_lists_style_and_the_models_order() -> None:
    text, document = meeting_document()
    document["invitations"].append({"who": "A neighbouring State", "rule": 37})
    document["drafts"].append(
        {"matter": "procedural", "sponsors": ["USA"], "symbol": "S/2026/103", "votes": {"USA": "yes"}}
    )
    document["drafts"][1]["amendments"] = [{"summary": "Adds a deadline.", "symbol": "S/2026/102/A1"}]
    document["agenda"].insert(0, "Adoption of the agenda")
    after = render(document, text)
    assert (
        "invitations:\n  - {rule: 39, who: Emergency Relief Coordinator}\n  - {rule: 37, who: A neighbouring State}\n"
        in after
    )
    assert "agenda:\n  - Adoption of the agenda\n  - Humanitarian access in a cross-border crisis\n" in after
    assert (
        "  - symbol: S/2026/103\n    sponsors: [USA]\n    matter: procedural\n    votes: {USA: yes}\nmembers:\n"
        in after
    )
    assert "    amendments:\n      - symbol: S/2026/102/A1\n        summary: Adds a deadline.\n" in after
    assert load_text(after, "class-meeting-2026.yaml").drafts[2].votes == {"USA": "yes"}


def test_a_renamed_draft_keeps_its_place_and_what_the_form_does_not_show() -> None:
    text, document = meeting_document()
    document["drafts"][0]["symbol"] = "S/2026/100"
    after = render(document, text)
    assert [(a, b) for a, b in zip(text.splitlines(), after.splitlines(), strict=True) if a != b] == [
        ("  - symbol: S/2026/101", "  - symbol: S/2026/100")
    ]


def test_a_multi_line_text_at_its_limit_saves_and_reads_back_exactly(scenario_dir: Path, good_yaml: str) -> None:
    """A text of several lines is written as a literal block that adds no newline of its own: a context of exactly
    20,000 characters, which the form's check accepts, is saved and read back as it was given."""
    (scenario_dir / "good.yaml").write_text(good_yaml, encoding="utf-8")
    library = Library(scenario_dir)
    context = (("x" * 99 + "\n") * 200)[:19_999] + "y"
    document = form_document(good_yaml) | {"context": context}
    assert edit_problems(library, document, "good", "") == []
    save_edit(library, document, ident="good", base_hash=content_hash(good_yaml.encode()), file_name="")
    assert library.get("good").context == context
