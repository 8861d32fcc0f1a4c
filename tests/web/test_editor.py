"""Scenario authoring in the browser's forms: new, edit with comments kept, conflicts, upload, share."""

from __future__ import annotations

import json
import re
import stat
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest
from fastapi.testclient import TestClient

from app.scenarios import load_file
from app.settings import Settings
from app.web import create_app
from tests.conftest import GOOD

TOKEN = "editor-instructor-token"
JSON = {"Accept": "application/json"}


@pytest.fixture
def instructor(scenarios: Path, tmp_path: Path) -> Iterator[TestClient]:
    settings = Settings(scenarios_dir=scenarios, data_dir=tmp_path / "data", instructor_token=TOKEN)
    with TestClient(create_app(settings), headers={"Accept": "text/html"}) as client:
        client.get(f"/instructor?token={TOKEN}")
        yield client


def form_of(client: httpx.Client, url: str) -> dict[str, str]:
    """The editor's form as a browser would submit it (inputs, checked boxes, selected options, textareas)."""
    return form_of_page(client.get(url).text)


def form_of_page(html: str) -> dict[str, str]:
    """The editor's form on ``html`` as a browser would submit it."""
    form = html.split('<form id="editor"')[1].split("</form>")[0]
    data: dict[str, str] = {}
    for tag in re.findall(r"<input[^>]*>", form):
        name = re.search(r'name="([^"]+)"', tag)
        value = re.search(r'value="([^"]*)"', tag)
        if not name:
            continue
        if 'type="checkbox"' in tag or 'type="radio"' in tag:
            if " checked" in tag:
                data[name.group(1)] = value.group(1) if value and 'type="radio"' in tag else "on"
            continue
        data[name.group(1)] = value.group(1) if value else ""
    for name, body in re.findall(r'<textarea[^>]*name="([^"]+)"[^>]*>(.*?)</textarea>', form, re.S):
        data[name] = body
    for name, options in re.findall(r'<select[^>]*name="([^"]+)"[^>]*>(.*?)</select>', form, re.S):
        chosen = re.search(r'<option value="([^"]*)" selected', options) or re.search(
            r'<option value="([^"]*)"', options
        )
        data[name] = chosen.group(1) if chosen else ""
    import html as html_module

    return {k: html_module.unescape(v) for k, v in data.items()}


def test_new_scenario_from_a_year_saves_readable_yaml(instructor: TestClient, scenarios: Path) -> None:
    data = form_of(instructor, "/editor/new?year=2026")
    assert data["m0_name"] == "Bahrain" and data["rows"] == "16"
    data |= {
        "file_name": "class-2026",
        "title": "Our class, 2026",
        "question": "Adopt the agenda?",
        "m1_vote": "no",
        "date": "2026-12-01",
    }
    response = instructor.post("/editor/save", data=data, follow_redirects=False)
    assert response.status_code == 303 and response.headers["location"].startswith("/scenarios/class-2026")
    text = (scenarios / "class-2026.yaml").read_text(encoding="utf-8")
    assert text.startswith("# yaml-language-server: $schema=")
    assert "title: Our class, 2026" in text and "date: 2026-12-01" in text
    assert "Our class, 2026" in instructor.get("/").text
    board = instructor.get("/scenarios/class-2026").text
    assert "China" in board and 'name="CHN" value="no" checked' in board


def test_editing_keeps_comments_order_and_style(instructor: TestClient, scenarios: Path) -> None:
    path = scenarios / "syria-2018-agenda.yaml"
    before = path.read_text(encoding="utf-8")
    data = form_of(instructor, "/scenarios/syria-2018-agenda/edit")
    data |= {"title": "Syria, 2018", "m0_vote": "yes"}
    assert instructor.post("/editor/save", data=data, follow_redirects=False).status_code == 303
    after = path.read_text(encoding="utf-8")
    changed = [(a, b) for a, b in zip(before.splitlines(), after.splitlines(), strict=True) if a != b]
    bolivia = next(line for line in before.splitlines() if "{code: BOL, name: Bolivia, vote: no" in line)
    assert changed == [
        ('title: "Human rights in Syria, March 2018: eight is not nine"', 'title: "Syria, 2018"'),
        (bolivia, bolivia.replace("vote: no", "vote: yes")),
    ]
    assert "# REAL: every vote below" in after and "record:" in after  # comments and the record survive


def test_saving_over_a_file_changed_meanwhile_is_refused_and_keeps_the_edits(
    instructor: TestClient, scenarios: Path
) -> None:
    data = form_of(instructor, "/scenarios/syria-2018-agenda/edit")
    path = scenarios / "syria-2018-agenda.yaml"
    path.write_text(path.read_text(encoding="utf-8") + "# edited in a text editor\n", encoding="utf-8")
    response = instructor.post("/editor/save", data=data | {"title": "My unsaved title"})
    assert response.status_code == 409
    assert "changed since you opened it" in response.text and "My unsaved title" in response.text
    assert "# edited in a text editor" in path.read_text(encoding="utf-8")


def test_invalid_form_is_not_saved_and_each_problem_sits_by_its_field(instructor: TestClient, scenarios: Path) -> None:
    data = form_of(instructor, "/editor/new?year=2019") | {
        "file_name": "broken-class",
        "m3_code": "bad code",
        "title": "",
    }
    response = instructor.post("/editor/save", data=data)
    assert response.status_code == 422
    assert 'id="err-m3_code" data-error-for="m3_code">&#39;bad code&#39; is not a valid code' in response.text
    assert 'id="err-title" data-error-for="title">this field is required' in response.text
    assert not (scenarios / "broken-class.yaml").exists()


def test_live_check_answers_with_field_ids(instructor: TestClient) -> None:
    data = form_of(instructor, "/editor/new?year=2019") | {"file_name": "ok", "m2_code": "", "m2_name": ""}
    csrf = instructor.cookies["unsc_csrf"]
    problems = instructor.post("/editor/check", data=data, headers=JSON | {"X-CSRF-Token": csrf}).json()["problems"]
    assert [p["field_id"] for p in problems] == ["members"]
    assert "14 are listed" in problems[0]["message"]


@pytest.mark.parametrize("name", ["../evil", "UPPER", "a/b", ".hidden", "x" * 65])
def test_file_names_outside_the_allowlist_are_refused(instructor: TestClient, scenarios: Path, name: str) -> None:
    data = form_of(instructor, "/editor/new?year=2019") | {"file_name": name}
    assert instructor.post("/editor/save", data=data).status_code == 422
    assert not list(scenarios.parent.glob("evil*")) and not (scenarios / "a").exists()


def test_a_new_file_never_overwrites_an_existing_one(instructor: TestClient, scenarios: Path) -> None:
    before = (scenarios / "syria-2018-agenda.yaml").read_bytes()
    data = form_of(instructor, "/editor/new?year=2019") | {"file_name": "syria-2018-agenda"}
    response = instructor.post("/editor/save", data=data)
    assert response.status_code == 409 and "already exists" in response.text
    assert (scenarios / "syria-2018-agenda.yaml").read_bytes() == before


def test_upload_download_and_duplicate(instructor: TestClient, scenarios: Path) -> None:
    csrf = instructor.cookies["unsc_csrf"]
    response = instructor.post(
        "/editor/upload",
        data={"csrf": csrf},
        files={"file": ("My Class.yaml", GOOD.encode(), "application/yaml")},
        follow_redirects=False,
    )
    assert response.status_code == 303 and response.headers["location"] == "/scenarios/my-class/edit"
    assert (scenarios / "my-class.yaml").read_text(encoding="utf-8") == GOOD
    download = instructor.get("/scenarios/my-class/download")
    assert download.content == GOOD.encode() and "attachment" in download.headers["content-disposition"]
    response = instructor.post(
        "/scenarios/my-class/duplicate", data={"csrf": csrf, "new_name": "my-class-b"}, follow_redirects=False
    )
    assert response.status_code == 303 and (scenarios / "my-class-b.yaml").read_text(encoding="utf-8") == GOOD


def test_a_bad_upload_is_refused_with_the_command_lines_errors(instructor: TestClient, scenarios: Path) -> None:
    csrf = instructor.cookies["unsc_csrf"]
    bad = GOOD.replace("vote: undecided", "vote: perhaps").encode()
    response = instructor.post(
        "/editor/upload", data={"csrf": csrf}, files={"file": ("oops.yaml", bad, "application/yaml")}
    )
    assert response.status_code == 422
    assert (
        "oops.yaml was not added" in response.text and "line 8" in response.text and "members[4].vote" in response.text
    )
    response = instructor.post(
        "/editor/upload", data={"csrf": csrf}, files={"file": ("big.yaml", b"#" * 300_000, "application/yaml")}
    )
    assert response.status_code in (413, 422)
    assert not (scenarios / "oops.yaml").exists() and not (scenarios / "big.yaml").exists()


def test_a_student_reaches_none_of_the_editor(instructor: TestClient) -> None:
    with TestClient(instructor.app, headers={"Accept": "text/html"}) as student:
        student.get("/join")
        csrf = student.cookies["unsc_csrf"]
        for url in (
            "/editor",
            "/editor/new?year=2019",
            "/scenarios/syria-2018-agenda/edit",
            "/scenarios/syria-2018-agenda/download",
        ):
            assert student.get(url).status_code == 403, url
        assert student.post("/editor/save", data={"csrf": csrf, "file_name": "x", "rows": "0"}).status_code == 403
        assert student.post("/editor/check", data={"csrf": csrf}).status_code == 403
        assert (
            student.post("/scenarios/syria-2018-agenda/duplicate", data={"csrf": csrf, "new_name": "x"}).status_code
            == 403
        )
        assert (
            student.post("/editor/upload", data={"csrf": csrf}, files={"file": ("a.yaml", GOOD.encode())}).status_code
            == 403
        )


def mode(path: Path) -> int:
    return stat.S_IMODE(path.stat().st_mode)


def test_saved_uploaded_and_copied_files_get_the_usual_modes(
    instructor: TestClient, scenarios: Path, umask: int
) -> None:
    new_mode = 0o666 & ~umask
    csrf = instructor.cookies["unsc_csrf"]
    edited = scenarios / "syria-2018-agenda.yaml"
    edited.chmod(0o644)
    data = form_of(instructor, "/scenarios/syria-2018-agenda/edit") | {"title": "Syria, 2018"}
    assert instructor.post("/editor/save", data=data, follow_redirects=False).status_code == 303
    assert mode(edited) == 0o644  # an edited file keeps its mode, even under a narrower umask

    data = form_of(instructor, "/editor/new?year=2026") | {"file_name": "class-2026"}
    assert instructor.post("/editor/save", data=data, follow_redirects=False).status_code == 303
    assert mode(scenarios / "class-2026.yaml") == new_mode

    response = instructor.post(
        "/editor/upload", data={"csrf": csrf}, files={"file": ("up.yaml", GOOD.encode())}, follow_redirects=False
    )
    assert response.status_code == 303 and mode(scenarios / "up.yaml") == new_mode

    response = instructor.post(
        "/scenarios/syria-2018-agenda/duplicate", data={"csrf": csrf, "new_name": "syria-b"}, follow_redirects=False
    )
    assert response.status_code == 303 and mode(scenarios / "syria-b.yaml") == new_mode


def test_saving_a_file_deleted_meanwhile_keeps_the_edits(instructor: TestClient, scenarios: Path) -> None:
    data = form_of(instructor, "/scenarios/syria-2018-agenda/edit")
    (scenarios / "syria-2018-agenda.yaml").unlink()
    response = instructor.post("/editor/save", data=data | {"title": "My unsaved title"})
    assert response.status_code == 409
    assert "deleted or renamed" in response.text and "My unsaved title" in response.text
    assert not (scenarios / "syria-2018-agenda.yaml").exists()


def test_fields_the_form_does_not_show_survive_an_edit(instructor: TestClient, scenarios: Path) -> None:
    path = scenarios / "my-class.yaml"
    path.write_text(GOOD + "rules: {seats: 15, threshold: 10}\n# a last comment\n", encoding="utf-8")
    data = form_of(instructor, "/scenarios/my-class/edit") | {"title": "Renamed"}
    assert instructor.post("/editor/save", data=data, follow_redirects=False).status_code == 303
    text = path.read_text(encoding="utf-8")
    assert "title: Renamed" in text and "rules: {seats: 15, threshold: 10}" in text and "# a last comment" in text

    meeting = scenarios / f"{MEETING}.yaml"  # a whole meeting: its votes and records are not in the form
    text = meeting.read_text(encoding="utf-8").replace(
        "    matter: substantive\n    votes: {BHR: yes, CHN: yes, COL: abstain",
        "    matter: substantive  # the rival draft\n    record: {outcome: not_adopted, yes: 4, no: 6, abstain: 5}\n"
        "    votes: {BHR: yes, CHN: yes, COL: abstain",
    )
    meeting.write_text(text + "record: {outcome: adopted}\n", encoding="utf-8")
    data = form_of(instructor, f"/scenarios/{MEETING}/edit") | {"title": "Renamed"}
    assert instructor.post("/editor/save", data=data, follow_redirects=False).status_code == 303
    after = meeting.read_text(encoding="utf-8")
    assert after == text.replace(text.split("\n")[3], 'title: "Renamed"') + "record: {outcome: adopted}\n"


def test_file_and_validation_work_runs_off_the_event_loop(
    instructor: TestClient, monkeypatch: pytest.MonkeyPatch
) -> None:
    import asyncio

    from app.web import editor

    on_loop: list[str] = []

    def watched(name: str) -> Any:
        real = getattr(editor, name)

        def call(*args: Any, **kwargs: Any) -> Any:
            try:
                asyncio.get_running_loop()
                on_loop.append(name)
            except RuntimeError:
                pass  # a worker thread: no loop here
            return real(*args, **kwargs)

        return call

    for name in ("edit_problems", "save_edit", "add_upload", "_start_page"):
        monkeypatch.setattr(editor, name, watched(name))
    csrf = instructor.cookies["unsc_csrf"]
    data = form_of(instructor, "/editor/new?year=2019") | {"file_name": "off-loop"}
    instructor.post("/editor/check", data=data, headers=JSON | {"X-CSRF-Token": csrf})
    assert instructor.post("/editor/save", data=data, follow_redirects=False).status_code == 303
    instructor.post("/editor/upload", data={"csrf": csrf}, files={"file": ("bad.yaml", b"title: [")})
    assert on_loop == []


BROKEN_EVERYWHERE = {
    "file_name": "Bad Name",  # the file's name
    "title": "",  # a field
    "m3_code": "bad code",  # a field
    "m5_code": "CHN",  # the council: China's code twice
    "president": "XYZ",  # the council: nobody's code
    "m12_code": "",  # the council: fourteen members
    "m12_name": "",
}
EVERY_PROBLEM = [
    ("file_name", "File name", "file_name"),
    ("title", "Title", "title"),
    ("m3_code", "Code, row 4", "m3_code"),
    ("m5_code", "Code, row 6", "m5_code"),
    ("president", "President (a member's code)", "president"),
    ("members", "Members", "members-heading"),
]


def test_every_problem_in_every_layer_is_checked_at_once(instructor: TestClient) -> None:
    data = form_of(instructor, "/editor/new?year=2019") | BROKEN_EVERYWHERE
    csrf = instructor.cookies["unsc_csrf"]
    answer = instructor.post("/editor/check", data=data, headers=JSON | {"X-CSRF-Token": csrf}).json()
    found = sorted((p["field_id"], p["label"], p["anchor"]) for p in answer["problems"])
    assert found == sorted(EVERY_PROBLEM)
    assert answer["summary"] == "6 problems to fix"
    messages = {p["field_id"]: p["message"] for p in answer["problems"]}
    assert "'bad code' is not a valid code" in messages["m3_code"] and "used by another member" in messages["m5_code"]
    assert "'XYZ' is not the code of any member" in messages["president"] and "14 are listed" in messages["members"]


def test_a_refused_save_lists_every_problem_linked_to_its_field(instructor: TestClient, scenarios: Path) -> None:
    data = form_of(instructor, "/editor/new?year=2019") | BROKEN_EVERYWHERE
    response = instructor.post("/editor/save", data=data)
    assert response.status_code == 422 and not (scenarios / "Bad Name.yaml").exists()
    page = response.text
    summary = page.split('id="error-summary"')[1].split("</div>")[0]
    assert " hidden" not in summary.split(">")[0] and "6 problems to fix" in summary
    for _, label, anchor in EVERY_PROBLEM:
        assert f'<a href="#{anchor}">{label}</a>' in summary.replace("&#39;", "'"), label
        assert f'id="{anchor}"' in page  # the link has somewhere to go
    for field in ("file_name", "title", "m3_code", "m5_code", "president"):
        assert f'aria-describedby="err-{field}" aria-invalid="true"' in page, field
        assert re.search(rf'id="err-{field}" data-error-for="{field}">[^<]+</p>', page), field
    assert '<p class="notice" role="alert">Not saved. <a href="#error-summary">6 problems to fix</a>' in page


def suggestion_shown(page: str, matter: str) -> bool:
    tag = re.search(rf'<p class="verdict-suggestion" data-usual-words="{matter}"[^>]*>', page)
    assert tag is not None
    return " hidden" not in tag.group(0)


def test_switching_matter_without_javascript_brings_that_matters_words(instructor: TestClient, scenarios: Path) -> None:
    data = form_of(instructor, "/editor/new?year=2026")
    assert data["matter"] == data["matter_shown"] == "procedural"
    assert data["verdict_not_adopted"] == "The meeting does not convene"
    data |= {"file_name": "draft-2026", "matter": "substantive"}  # the radio changed; the words were left alone

    refused = instructor.post("/editor/save", data=data | {"title": ""}).text
    shown = form_of_page(refused)
    assert shown["verdict_adopted"] == "The draft resolution is adopted"
    assert shown["verdict_not_adopted"] == "The draft resolution is not adopted"
    assert shown["matter_shown"] == "substantive" and not suggestion_shown(refused, "substantive")

    assert instructor.post("/editor/save", data=data, follow_redirects=False).status_code == 303
    saved = (scenarios / "draft-2026.yaml").read_text(encoding="utf-8")
    assert "matter: substantive" in saved and "not_adopted: The draft resolution is not adopted" in saved
    assert "convene" not in saved


def test_words_someone_chose_stay_with_the_usual_ones_a_click_away(instructor: TestClient, scenarios: Path) -> None:
    data = form_of(instructor, "/editor/new?year=2026") | {
        "file_name": "ours-2026",
        "matter": "substantive",
        "verdict_adopted": "We meet",
        "verdict_not_adopted": "We go home",
    }
    refused = instructor.post("/editor/save", data=data | {"title": ""}).text
    assert form_of_page(refused)["verdict_adopted"] == "We meet"
    assert suggestion_shown(refused, "substantive") and not suggestion_shown(refused, "procedural")
    assert "Use the usual words for a substantive question" in refused

    offered = instructor.post("/editor/save", data=data | {"usual_words": "substantive"})
    assert offered.status_code == 200 and not (scenarios / "ours-2026.yaml").exists()
    shown = form_of_page(offered.text)
    assert shown["verdict_adopted"] == "The draft resolution is adopted" and shown["title"] == data["title"]
    assert "not saved yet" in offered.text and not suggestion_shown(offered.text, "substantive")

    assert instructor.post("/editor/save", data=data, follow_redirects=False).status_code == 303
    assert "adopted: We meet" in (scenarios / "ours-2026.yaml").read_text(encoding="utf-8")


def test_the_usual_words_come_from_the_page_not_the_script(instructor: TestClient) -> None:
    page = instructor.get("/editor/new?year=2026").text
    assert 'data-usual-words="substantive" data-adopted="The draft resolution is adopted"' in page
    assert 'data-not-adopted="The meeting does not convene"' in page
    assert not suggestion_shown(page, "procedural") and not suggestion_shown(page, "substantive")


def test_a_bad_upload_under_a_taken_name_reports_both(instructor: TestClient, scenarios: Path) -> None:
    csrf = instructor.cookies["unsc_csrf"]
    before = (scenarios / "syria-2018-agenda.yaml").read_bytes()
    bad = GOOD.replace("vote: undecided", "vote: perhaps").replace("code: ZAF", "code: PER").encode()
    response = instructor.post(
        "/editor/upload",
        data={"csrf": csrf, "name": "syria-2018-agenda"},
        files={"file": ("oops.yaml", bad, "application/yaml")},
    )
    assert response.status_code == 422
    page = response.text.replace("&#39;", "'")
    for expected in ("members[4].vote", "members[14].code", "file_name", "'syria-2018-agenda' already exists"):
        assert expected in page, expected
    assert (scenarios / "syria-2018-agenda.yaml").read_bytes() == before


MEETING = "class-meeting-2026"


def test_a_meeting_file_survives_an_edit_unchanged_but_for_the_edited_value(
    instructor: TestClient, scenarios: Path
) -> None:
    path = scenarios / f"{MEETING}.yaml"
    before = path.read_text(encoding="utf-8")
    data = form_of(instructor, f"/scenarios/{MEETING}/edit")
    assert data["agenda"] == "Humanitarian access in a cross-border crisis" and data["i0_rule"] == "39"
    assert data["d0_sponsors"] == "DNK, GRC, FRA" and data["d0_chapter"] == "VI" and data["d1_chapter"] == ""
    assert data["d0a0_symbol"] == "S/2026/101/A1" and '"LVA": "no"' in data["d0a0_kept"]  # the votes ride along
    assert instructor.post("/editor/save", data=data, follow_redirects=False).status_code == 303
    assert path.read_text(encoding="utf-8") == before  # saved as it was: comments, flow style, long lines

    data["title"] = "A class meeting"
    assert instructor.post("/editor/save", data=data, follow_redirects=False).status_code == 303
    after = path.read_text(encoding="utf-8")
    changed = [(a, b) for a, b in zip(before.splitlines(), after.splitlines(), strict=True) if a != b]
    assert changed == [
        (next(line for line in before.splitlines() if line.startswith("title:")), 'title: "A class meeting"')
    ]


def test_a_drafts_summary_and_a_new_invitation_are_saved_from_the_form(instructor: TestClient, scenarios: Path) -> None:
    path = scenarios / f"{MEETING}.yaml"
    before = path.read_text(encoding="utf-8")
    data = form_of(instructor, f"/scenarios/{MEETING}/edit")
    assert data["i_rows"] == "2" and data["i1_who"] == ""  # a blank row to fill in, without JavaScript
    data |= {
        "d1_summary": "Calls for dialogue and restraint.",
        "i1_rule": "37",
        "i1_who": "The neighbouring State",
        "speaking_seconds": "240",
    }
    assert instructor.post("/editor/save", data=data, follow_redirects=False).status_code == 303
    after = path.read_text(encoding="utf-8")
    assert "  - {rule: 39, who: Emergency Relief Coordinator}\n  - {rule: 37, who: The neighbouring State}\n" in after
    assert "    summary: Calls for dialogue and restraint.\n" in after and "speaking_seconds: 240" in after
    removed = {line for line in before.splitlines()} - set(after.splitlines())
    assert removed == {"    summary: Calls for dialogue between the parties."}
    saved = load_file(path)
    assert saved.drafts[1].summary == "Calls for dialogue and restraint." and saved.speaking_seconds == 240
    assert [(i.rule, i.who) for i in saved.invitations] == [
        (39, "Emergency Relief Coordinator"),
        (37, "The neighbouring State"),
    ]
    assert saved.drafts[0].amendments[0].votes["LVA"] == "no" and saved.drafts[1].votes["DNK"] == "no"


def test_a_draft_an_amendment_and_an_invitation_are_removed_by_clearing_them(
    instructor: TestClient, scenarios: Path
) -> None:
    path = scenarios / f"{MEETING}.yaml"
    data = form_of(instructor, f"/scenarios/{MEETING}/edit") | {
        "i0_who": "",
        "d0_symbol": "",
        "d0_sponsors": "",
        "d0_summary": "",
        "d0_paragraphs": "",
        "d0a0_symbol": "",
        "d0a0_sponsors": "",
        "d0a0_summary": "",
    }
    assert instructor.post("/editor/save", data=data, follow_redirects=False).status_code == 303
    text = path.read_text(encoding="utf-8")
    assert "\ninvitations:" not in text and "symbol: S/2026/101" not in text and "who: Emergency" not in text
    assert "  - symbol: S/2026/102\n    sponsors: [RUS]\n" in text  # the other draft keeps its place and style
    assert "# A whole meeting for a class" in text


def test_a_meeting_is_added_to_a_single_question_in_the_models_order(instructor: TestClient, scenarios: Path) -> None:
    data = form_of(instructor, "/editor/new?year=2026")
    assert data["agenda"] == "" and data["d_rows"] == "1" and data["d0a_rows"] == "1"
    data |= {
        "file_name": "meeting-2026",
        "agenda": "Item one\n\n  Item two  \n",
        "d0_symbol": "S/2026/1",
        "d0_sponsors": "FRA,GBR USA",
        "d0_paragraphs": "Decides one.\nDecides two.",
        "d0_matter": "contested",
        "d0a0_symbol": "S/2026/1/A1",
        "d0a0_sponsors": "RUS",
    }
    assert instructor.post("/editor/save", data=data, follow_redirects=False).status_code == 303
    text = (scenarios / "meeting-2026.yaml").read_text(encoding="utf-8")
    assert "agenda:\n  - Item one\n  - Item two\ndrafts:\n  - symbol: S/2026/1\n    sponsors: [FRA, GBR, USA]\n" in text
    assert "    matter: contested\n    amendments:\n      - symbol: S/2026/1/A1\n        sponsors: [RUS]\n" in text
    assert "speaking_seconds" not in text and "invitations" not in text and "votes" not in text


def test_a_problem_in_a_drafts_sponsors_sits_by_its_box(instructor: TestClient, scenarios: Path) -> None:
    path = scenarios / f"{MEETING}.yaml"
    before = path.read_text(encoding="utf-8")
    form = form_of(instructor, f"/scenarios/{MEETING}/edit")
    csrf = instructor.cookies["unsc_csrf"]
    misspelt = form | {"d0a0_sponsors": "pak", "d1_matter": "undecided", "d0_chapter": "VIII"}
    answer = instructor.post("/editor/check", data=misspelt, headers=JSON | {"X-CSRF-Token": csrf}).json()
    found = [(p["field_id"], p["label"], p["anchor"]) for p in answer["problems"]]
    assert found == [
        ("d0_chapter", "Chapter, draft 1", "d0_chapter"),
        ("d0a0_sponsors", "Sponsors (codes), amendment 1 to draft 1", "d0a0_sponsors"),
        ("d1_matter", "Matter, draft 2", "d1_matter"),
    ]
    assert "'pak' is not a valid code" in answer["problems"][1]["message"]
    assert "'undecided' is not allowed" in answer["problems"][2]["message"]

    data = form | {"d0_sponsors": "DNK, XYZ", "d1_symbol": "S/2026/101"}  # the first draft's symbol again
    answer = instructor.post("/editor/check", data=data, headers=JSON | {"X-CSRF-Token": csrf}).json()
    found = [(p["field_id"], p["label"], p["anchor"]) for p in answer["problems"]]
    assert found == [
        ("d0_sponsors", "Sponsors (codes), draft 1", "d0_sponsors"),
        ("d1_symbol", "Symbol, draft 2", "d1_symbol"),
    ]
    messages = {p["field_id"]: p["message"] for p in answer["problems"]}
    assert messages["d0_sponsors"] == "'XYZ' is not the code of any member"
    assert "'S/2026/101' is used twice" in messages["d1_symbol"]

    response = instructor.post("/editor/save", data=data)
    assert response.status_code == 422 and path.read_text(encoding="utf-8") == before
    page = response.text
    assert re.search(r'<details class="meeting" id="meeting" open>', page)  # the section with problems is open
    assert 'id="err-d0_sponsors" data-error-for="d0_sponsors">&#39;XYZ&#39; is not the code of any member' in page
    assert 'aria-describedby="err-d0_sponsors" aria-invalid="true"' in page
    summary = page.split('id="error-summary"')[1].split("</div>")[0]
    assert '<a href="#d0_sponsors">Sponsors (codes), draft 1</a>' in summary
    assert form_of_page(page)["d0_sponsors"] == "DNK, XYZ"  # the form comes back as it was sent
    assert '"LVA": "no"' in form_of_page(page)["d0a0_kept"]


def test_a_problem_in_what_the_form_keeps_is_shown_by_its_row(instructor: TestClient, scenarios: Path) -> None:
    path = scenarios / "czechoslovakia-1948-preliminary-question.yaml"
    data = form_of(instructor, "/scenarios/czechoslovakia-1948-preliminary-question/edit")
    assert "preliminary question" in instructor.get("/scenarios/czechoslovakia-1948-preliminary-question/edit").text
    csrf = instructor.cookies["unsc_csrf"]
    data |= {"d0_matter": "substantive"}  # a preliminary question on a draft no longer contested
    answer = instructor.post("/editor/check", data=data, headers=JSON | {"X-CSRF-Token": csrf}).json()
    assert [(p["field_id"], p["message"]) for p in answer["problems"]] == [
        ("d0_matter", "only a contested draft has a preliminary question")
    ]
    kept = json.loads(data["d0_kept"])
    kept["preliminary"]["votes"]["XXX"] = "yes"
    answer = instructor.post(
        "/editor/check",
        data=data | {"d0_matter": "contested", "d0_kept": json.dumps(kept)},
        headers=JSON | {"X-CSRF-Token": csrf},
    ).json()
    assert [(p["field_id"], p["label"], p["message"]) for p in answer["problems"]] == [
        ("d0_matter", "Matter, draft 1", "drafts[0].preliminary.votes.XXX: 'XXX' is not the code of any member")
    ]
    assert (
        instructor.post("/editor/save", data=data | {"d0_matter": "contested"}, follow_redirects=False).status_code
        == 303
    )
    assert "preliminary:" in path.read_text(encoding="utf-8")


def test_a_single_question_keeps_the_meeting_closed(instructor: TestClient) -> None:
    page = instructor.get("/scenarios/syria-2018-agenda/edit").text
    assert '<details class="meeting" id="meeting">' in page
    assert '<details class="meeting" id="meeting" open>' in instructor.get(f"/scenarios/{MEETING}/edit").text
    for label in ("agenda", "speaking_seconds", "i0_rule", "i0_who", "d0_symbol", "d0_sponsors", "d0_summary"):
        assert f'<label for="{label}">' in page, label
    for label in ("d0_paragraphs", "d0_matter", "d0_chapter", "d0a0_symbol", "d0a0_sponsors", "d0a0_summary"):
        assert f'<label for="{label}">' in page, label


def test_a_copy_of_a_meeting_keeps_its_drafts_and_their_votes(instructor: TestClient, scenarios: Path) -> None:
    data = form_of(instructor, f"/editor/new?source={MEETING}") | {"file_name": "meeting-copy"}
    assert instructor.post("/editor/save", data=data, follow_redirects=False).status_code == 303
    original, copy = load_file(scenarios / f"{MEETING}.yaml"), load_file(scenarios / "meeting-copy.yaml")
    for name in ("agenda", "invitations", "drafts", "speaking_seconds"):
        assert getattr(copy, name) == getattr(original, name), name


def test_the_editor_writes_the_text_in_other_languages(instructor: TestClient, scenarios: Path) -> None:
    data = form_of(instructor, "/scenarios/syria-2018-agenda/edit")
    assert data["language"] == "en" and data["tr_fr_title"] == ""
    row = next(key[1:].split("_")[0] for key, value in data.items() if key.endswith("_code") and value == "USA")
    data |= {
        "tr_fr_title": "Les droits de l'homme en Syrie, mars 2018",
        "tr_fr_adopted": "La séance a lieu",
        f"tr_fr_m{row}_brief": "Soutenez la réunion.",
        "tr_zh_question": "是否通过临时议程？",
    }
    assert instructor.post("/editor/save", data=data, follow_redirects=False).status_code == 303
    text = (scenarios / "syria-2018-agenda.yaml").read_text(encoding="utf-8")
    assert "translations:\n  zh:\n    question: 是否通过临时议程？\n  fr:\n" in text
    assert "    verdict:\n      adopted: La séance a lieu\n    briefs:\n      USA: Soutenez la réunion.\n" in text
    assert "language:" not in text  # English, the default, goes unsaid
    reopened = form_of(instructor, "/scenarios/syria-2018-agenda/edit")
    assert reopened[f"tr_fr_m{row}_brief"] == "Soutenez la réunion."
    board = instructor.get("/scenarios/syria-2018-agenda?lang=fr").text
    assert "Les droits de l&#39;homme en Syrie, mars 2018" in board and "États-Unis" in board


def test_a_translation_into_the_files_own_language_is_shown_at_its_section(instructor: TestClient) -> None:
    data = form_of(instructor, "/scenarios/dprk-2019-meeting-not-held/edit")
    data["language"] = "fr"  # the French block is now the file's own language
    response = instructor.post("/editor/save", data=data)
    assert response.status_code == 422
    assert 'id="err-tr_fr"' in response.text and "is the scenario&#39;s own language" in response.text
