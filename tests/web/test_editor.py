"""Scenario authoring in the browser's forms: new, edit with comments kept, conflicts, upload, share."""

from __future__ import annotations

import stat
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest
from fastapi.testclient import TestClient

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
    import re

    html = client.get(url).text
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
        chosen = re.search(r'<option value="([^"]+)" selected', options)
        data[name] = chosen.group(1) if chosen else "undecided"
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
