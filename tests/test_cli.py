"""The unsc-sim command as a user runs it: output, exit codes, no tracebacks."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from app.cli import main
from tests.conftest import BUNDLED


def test_tally_syria_2018_says_not_adopted_8_4_3(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["tally", str(BUNDLED / "syria-2018-agenda.yaml")]) == 0
    out = capsys.readouterr().out
    assert "NOT ADOPTED" in out and "The meeting does not convene" in out
    assert "8-4-3" in out and '1 more "yes"' in out


def test_tally_venezuela_draft_is_vetoed_by_china_and_russia(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["tally", str(BUNDLED / "venezuela-2019-draft-vetoed.yaml"), "--json"]) == 0
    data = json.loads(capsys.readouterr().out)
    assert data["outcome"] == "not_adopted"
    assert data["vetoed_by"] == ["CHN", "RUS"]
    assert data["counts"] == {"yes": 9, "no": 3, "abstain": 3, "absent": 0, "not_participating": 0, "undecided": 0}


def test_tally_plain_names_the_vetoing_members(capsys: pytest.CaptureFixture[str]) -> None:
    main(["tally", str(BUNDLED / "venezuela-2019-draft-vetoed.yaml")])
    assert "Vetoed by:   China, Russian Federation" in capsys.readouterr().out


def test_validate_bundled_folder_exits_zero(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["validate", str(BUNDLED)]) == 0
    assert "valid" in capsys.readouterr().out


def test_validate_reports_each_bad_file_and_exits_one(
    tmp_path: Path, good_yaml: str, capsys: pytest.CaptureFixture[str]
) -> None:
    (tmp_path / "a.yaml").write_text(good_yaml.replace("vote: undecided", "vote: perhaps"), encoding="utf-8")
    (tmp_path / "b.yaml").write_text("title: [", encoding="utf-8")
    (tmp_path / "c.yaml").write_text(good_yaml, encoding="utf-8")
    assert main(["validate", str(tmp_path / "a.yaml"), str(tmp_path / "b.yaml"), str(tmp_path / "c.yaml")]) == 1
    captured = capsys.readouterr()
    assert "a.yaml: line 8, members[4].vote: 'perhaps' is not allowed" in captured.err
    assert "b.yaml" in captured.err
    assert "c.yaml: valid" in captured.out
    assert "Traceback" not in captured.err


def test_tally_of_a_broken_file_exits_one_without_traceback(tmp_path: Path) -> None:
    bad = tmp_path / "bad.yaml"
    bad.write_bytes(b"\xff\xfe")
    result = subprocess.run([sys.executable, "-m", "app.cli", "tally", str(bad)], capture_output=True, text=True)
    assert result.returncode == 1
    assert "not UTF-8" in result.stderr and "Traceback" not in result.stderr


def test_schema_is_json_schema_that_knows_the_fields(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["schema"]) == 0
    schema = json.loads(capsys.readouterr().out)
    assert schema["$schema"].startswith("https://json-schema.org/")
    assert {"title", "question", "matter", "members", "rules", "record"} <= set(schema["properties"])
    assert schema["additionalProperties"] is False


def test_console_script_is_installed() -> None:
    exe = Path(sys.executable).parent / "unsc-sim"
    result = subprocess.run(
        [str(exe), "tally", str(BUNDLED / "syria-2018-agenda.yaml")], capture_output=True, text=True
    )
    assert result.returncode == 0 and "NOT ADOPTED" in result.stdout


def test_tally_of_a_meeting_prints_each_decision_in_order(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["tally", str(BUNDLED / "czechoslovakia-1948-preliminary-question.yaml")]) == 0
    out = capsys.readouterr().out
    agenda, preliminary, draft = out.index("1. The adoption"), out.index("2. The preliminary"), out.index("3. ")
    assert agenda < preliminary < draft
    assert "adopted without objection" in out and "8-2-1" in out and "voted as a substantive matter" in out
    assert "Vetoed by: Union of Soviet Socialist Republics" in out and "In reality: not adopted 8-2-1" in out


def test_tally_of_a_meeting_as_json_gives_each_outcome_with_its_step(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["tally", str(BUNDLED / "class-meeting-2026.yaml"), "--json"]) == 0
    steps = json.loads(capsys.readouterr().out)
    assert [s["kind"] for s in steps] == ["agenda", "invitation", "amendment", "draft", "draft"]
    assert steps[1]["outcome"] == "without_vote"
    for step in (steps[0], steps[2], steps[3]):  # the outcome shape of a one-question tally, plus its step
        assert {"outcome", "matter", "required", "counts", "vetoed_by", "explanation", "step", "rule"} <= set(step)
    assert steps[2]["outcome"] == "adopted" and steps[3]["vetoed_by"] == ["RUS"]


def test_a_meeting_that_does_not_convene_decides_nothing_more(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    text = (BUNDLED / "class-meeting-2026.yaml").read_text(encoding="utf-8")
    for name in ("Bahrain", "Colombia", "Latvia"):  # 8-5-2 on the agenda now
        text = text.replace(f"name: {name}, vote: yes", f"name: {name}, vote: no")
    path = tmp_path / "fails.yaml"
    path.write_text(text, encoding="utf-8")
    assert main(["tally", str(path)]) == 0
    out = capsys.readouterr().out
    assert "8-5-2" in out and "not adopted: the meeting does not convene" in out
    assert "nothing else on its agenda is taken up" in out and "S/2026/101" not in out
