"""The one rule for scenario ids, and the one message that explains it."""

from __future__ import annotations

import pytest

from app.domain.errors import InvalidScenario
from app.scenarios import check_id, id_message, is_valid_id


@pytest.mark.parametrize("ident", ["a", "council-2026", "syria_2018", "9", "x" * 64])
def test_good_ids(ident: str) -> None:
    assert is_valid_id(ident) and check_id(ident) == ident


@pytest.mark.parametrize("ident", ["", "../evil", "UPPER", "a/b", ".hidden", "-dash", "_under", "x" * 65, "é", "ok\n"])
def test_ids_outside_the_allowlist_are_refused_with_the_one_message(ident: str) -> None:
    assert not is_valid_id(ident)
    with pytest.raises(InvalidScenario) as caught:
        check_id(ident)
    [problem] = caught.value.problems
    assert problem.path == ("file_name",) and problem.message == id_message(ident)
    assert "file name" in problem.message and "lower-case letters" in problem.message
