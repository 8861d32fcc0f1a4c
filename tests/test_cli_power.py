"""unsc-sim power, and what tally prints for an open vote and a meeting that was not held."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from app.cli import main
from tests.conftest import BUNDLED


def test_power_prints_each_member_and_the_plain_sentence(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["power", str(BUNDLED / "venezuela-2019-draft-vetoed.yaml")]) == 0
    out = capsys.readouterr().out
    assert "about 105 times the voting power of an elected one" in out
    assert "421/2145" in out and "4/2145" in out and "848" in out


def test_power_json_has_the_contract(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["power", str(BUNDLED / "suez-1956-resolution-119.yaml"), "--json"]) == 0
    data = json.loads(capsys.readouterr().out)
    assert (data["matter"], data["seats"], data["required"]) == ("procedural", 11, 7)
    first = data["members"][0]
    assert {"code", "shapley_shubik", "banzhaf", "banzhaf_absolute", "swings"} <= set(first)
    assert first["shapley_shubik_exact"] == "1/11"


def test_power_of_a_broken_file_exits_one(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    bad = tmp_path / "bad.yaml"
    bad.write_text("title: [", encoding="utf-8")
    assert main(["power", str(bad)]) == 1
    assert "bad.yaml" in capsys.readouterr().err


def test_tally_of_an_open_vote_uses_the_one_pending_headline(capsys: pytest.CaptureFixture[str]) -> None:
    main(["tally", str(BUNDLED / "dprk-2019-meeting-not-held.yaml")])
    out = capsys.readouterr().out
    assert "Result:      PENDING: Not decided yet" in out
    assert "In reality:  the meeting was not held, 8 members backed it; no vote was taken" in out
    assert "not held 8" not in out
