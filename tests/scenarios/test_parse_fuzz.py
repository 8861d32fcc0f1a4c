"""Fuzzing the scenario loader: whatever the bytes, only the documented error, never a crash or a hang."""

from __future__ import annotations

import json
from typing import Any

import yaml
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from app.domain.errors import InvalidScenario
from app.domain.scenario import Scenario
from app.scenarios import load_bytes, load_text
from tests.conftest import GOOD

FAST = settings(max_examples=300, deadline=2000, suppress_health_check=[HealthCheck.too_slow])

scalars = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(),
    st.floats(allow_nan=True),
    st.text(max_size=30),
    st.sampled_from(["yes", "no", "abstain", "undecided", "USA", "2019-12-10", "~", "&a", "*a", "!!binary", "null"]),
)
documents = st.recursive(
    scalars,
    lambda children: st.one_of(
        st.lists(children, max_size=6), st.dictionaries(st.text(max_size=12), children, max_size=6)
    ),
    max_leaves=40,
)
YAML_NOISE = st.sampled_from(
    [
        "&x ",
        "*x",
        "!!python/object:os.system ",
        "!t ",
        "{",
        "}",
        "[",
        "]",
        ": ",
        "- ",
        "\t",
        "\x00",
        "\ufeff",
        "%YAML 1.1\n",
        "---\n",
        "...\n",
        "? ",
        "|",
        ">",
        "#",
        "'",
        '"',
        "\\",
        "<<: *x\n",
    ]
)


def load_or_refuse(loader: Any, data: Any) -> None:
    try:
        result = loader(data, "fuzz.yaml")
    except InvalidScenario as invalid:
        assert invalid.problems and all(p.message for p in invalid.problems)
        assert "fuzz.yaml" in str(invalid)
    else:
        assert isinstance(result, Scenario)


@FAST
@given(st.binary(max_size=2000))
def test_any_bytes(raw: bytes) -> None:
    load_or_refuse(load_bytes, raw)


@FAST
@given(documents)
def test_any_yaml_document(document: Any) -> None:
    load_or_refuse(load_text, yaml.safe_dump(document, allow_unicode=True))
    load_or_refuse(load_text, json.dumps(document, allow_nan=True))


@FAST
@given(st.integers(min_value=0, max_value=len(GOOD)), st.lists(YAML_NOISE, min_size=1, max_size=4))
def test_a_good_file_with_yaml_noise_spliced_in(position: int, noise: list[str]) -> None:
    load_or_refuse(load_text, GOOD[:position] + "".join(noise) + GOOD[position:])


@FAST
@given(
    st.sampled_from(["title", "question", "matter", "members", "president", "date", "rules", "record", "verdict"]),
    documents,
)
def test_each_field_replaced_by_anything(field: str, value: Any) -> None:
    data = yaml.safe_load(GOOD)
    data[field] = value
    load_or_refuse(load_text, yaml.safe_dump(data, allow_unicode=True))


@FAST
@given(
    st.integers(min_value=0, max_value=14),
    st.sampled_from(["code", "name", "vote", "permanent", "party_to_dispute", "brief", "x"]),
    documents,
)
def test_each_member_field_replaced_by_anything(index: int, field: str, value: Any) -> None:
    data = yaml.load(GOOD, Loader=yaml.BaseLoader)
    data["members"][index][field] = value
    load_or_refuse(load_text, yaml.safe_dump(data, allow_unicode=True))
