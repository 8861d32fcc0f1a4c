"""Choosing the reader's language, CLDR's names, and a scenario as a reader of each language sees it."""

from __future__ import annotations

import datetime as dt

import pytest

from app import i18n
from app.domain.rules import explain, headline, tally
from app.domain.votes import Vote
from app.localize import localized, localized_outcome
from app.scenarios.parse import load_file
from tests.conftest import BUNDLED


@pytest.mark.parametrize(
    ("header", "expected"),
    [
        (None, None),
        ("", None),
        ("fr-CA,fr;q=0.9,en;q=0.8", "fr"),
        ("de-DE,de;q=0.9,es;q=0.5,en;q=0.4", "es"),
        ("zh-TW", "zh"),
        ("ar-EG;q=0.7, ru;q=0.8", "ru"),
        ("en;q=0, ru;q=0.1", "ru"),
        ("de, it", None),
        ("*", None),
        ("fr;q=abc, es", "es"),
        ("<script>, fr", "fr"),
        ("x" * 10_000, None),
    ],
)
def test_the_browser_language_is_the_best_of_the_six(header: str | None, expected: str | None) -> None:
    assert i18n.parse_accept_language(header) == expected


def test_a_page_choice_beats_the_cookie_which_beats_the_browser() -> None:
    assert i18n.chosen("ar", "fr", "ru") == "ar"
    assert i18n.chosen(None, "fr", "ru") == "fr"
    assert i18n.chosen("klingon", "xx", "ru") == "ru"
    assert i18n.chosen(None, None, None) == "en"


def test_the_scope_gives_the_language() -> None:
    scope = {
        "query_string": b"a=1&lang=zh",
        "headers": [(b"cookie", b"unsc_lang=fr; x=y"), (b"accept-language", b"ru")],
    }
    assert i18n.language_of_scope(scope) == "zh"
    scope["query_string"] = b""
    assert i18n.language_of_scope(scope) == "fr"
    scope["headers"] = [(b"cookie", b"unsc_lang=fr\x00bad;;=="), (b"accept-language", b"ru")]
    assert i18n.language_of_scope(scope) in {"fr", "ru"}  # a broken cookie header is never an error


def test_each_language_has_its_catalog_and_direction() -> None:
    for language in i18n.LANGUAGES:
        with i18n.using(language):
            assert i18n.current() == language
            assert i18n.direction() == ("rtl" if language == "ar" else "ltr")
            text = i18n.gettext("Skip to content")
            assert text if language == "en" else text != "Skip to content", language
    assert i18n.current() == "en"


@pytest.mark.parametrize(
    ("code", "language", "name"),
    [
        ("USA", "fr", "États-Unis"),
        ("CHN", "zh", "中国"),
        ("RUS", "ru", "Россия"),
        ("CIV", "es", "Côte d’Ivoire"),
        ("GBR", "ar", "المملكة المتحدة"),
    ],
)
def test_country_names_come_from_cldr(code: str, language: str, name: str) -> None:
    assert i18n.country_name(code, language) == name


@pytest.mark.parametrize("code", ["SUN", "YUG", "CSK", "EU", "ZZZZ", "U1"])
def test_a_code_that_is_no_single_country_has_no_cldr_name(code: str) -> None:
    assert i18n.country_name(code, "fr") is None or len(code) == 2


def test_dates_and_numbers_follow_the_locale() -> None:
    day = dt.date(2019, 12, 10)
    assert i18n.format_date(day, "fr") == "10 décembre 2019"
    assert i18n.format_date(day, "en") == "10 December 2019"
    assert "2019" in i18n.format_date(day, "zh")
    assert i18n.format_number(1234.5, "fr") == "1\u202f234,5"


def test_the_seed_scenario_reads_in_every_language() -> None:
    seed = load_file(BUNDLED / "dprk-2019-meeting-not-held.yaml")
    assert localized(seed, "en") is seed
    for language in i18n.LANGUAGES:
        if language == "en":
            continue
        shown = localized(seed, language)
        assert shown.title != seed.title and shown.question != seed.question, language
        assert shown.member("USA").brief != seed.member("USA").brief, language  # type: ignore[union-attr]
        assert shown.member("USA").name == i18n.country_name("USA", language)  # type: ignore[union-attr]
        assert localized(seed, language) is shown  # cached
    assert localized(seed, "fr").member("FRA").name == "France"  # type: ignore[union-attr]


def test_the_explanation_of_the_seed_vote_in_each_language() -> None:
    seed = load_file(BUNDLED / "dprk-2019-meeting-not-held.yaml")
    outcome = tally(seed, seed.starting_votes | {"USA": Vote.ABSTAIN})  # the ninth vote withheld
    expected = {
        "en": "The meeting does not convene",
        "fr": "La séance n'a pas lieu",
    }
    for language in i18n.LANGUAGES:
        with i18n.using(language):
            shown = localized(seed)
            words = headline(shown, outcome, i18n.CURRENT)
            why = localized_outcome(outcome, shown).explanation
            if language in expected:
                assert words == expected[language]
            if language != "en":
                assert why != outcome.explanation, language
                assert "27(2)" in why, language  # the article is named in every language
    assert explain(outcome.reasons, {m.code: m.name for m in seed.members}) == outcome.explanation
