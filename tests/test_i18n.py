"""Choosing the reader's language, CLDR's names, and a scenario as a reader of each language sees it."""

from __future__ import annotations

import datetime as dt

import pytest
from jinja2 import Environment

from app import i18n
from app.domain.rules import explain, headline, tally
from app.domain.scenario import Scenario
from app.domain.votes import Chapter, Vote
from app.localize import localized, localized_outcome
from app.scenarios.parse import load_file
from app.web.language import safe_next
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


# The Charter's own terms in each language (its official texts, Art. 27): what each explanation must use.
CHARTER_TERMS = {
    "seed": {
        "ar": ["الإجرائية", "حق النقض", "27(2)"],
        "zh": ["程序", "否决权", "27(2)"],
        "en": ["procedural", "veto", "27(2)"],
        "fr": ["procédure", "veto", "27(2)"],
        "ru": ["процедуры", "вето", "27(2)"],
        "es": ["procedimiento", "veto", "27(2)"],
    },
    "veto": {
        "ar": ["الموضوعية", "حق النقض", "27(3)"],
        "zh": ["实质性", "否决", "27(3)"],
        "en": ["substantive", "veto", "27(3)"],
        "fr": ["fond", "veto", "27(3)"],
        "ru": ["существа", "вето", "27(3)"],
        "es": ["fondo", "veto", "27(3)"],
    },
    "party": {
        "ar": ["طرف في النزاع", "الفصل السادس", "يمتنع"],
        "zh": ["争端当事国", "第六章", "放弃投票"],
        "en": ["party to a dispute", "Chapter VI", "shall abstain"],
        "fr": ["partie à un différend", "Chapitre VI", "s'abstient"],
        "ru": ["сторона", "VI", "воздержаться"],
        "es": ["parte en una controversia", "Capítulo VI", "abstendrá"],
    },
}


def _cases() -> dict[str, tuple[Scenario, dict[str, Vote]]]:
    seed = load_file(BUNDLED / "dprk-2019-meeting-not-held.yaml")
    venezuela = load_file(BUNDLED / "venezuela-2019-draft-vetoed.yaml")
    members = [m.model_copy(update={"party_to_dispute": m.code == "GBR"}) for m in venezuela.members]
    party = venezuela.model_copy(update={"members": members, "chapter": Chapter.VI})
    return {
        "seed": (seed, seed.starting_votes | {"USA": Vote.ABSTAIN}),
        "veto": (venezuela, venezuela.starting_votes),
        "party": (party, party.starting_votes | {"GBR": Vote.NO}),
    }


@pytest.mark.parametrize("language", i18n.LANGUAGES)
@pytest.mark.parametrize("case", ["seed", "veto", "party"])
def test_the_three_explanations_use_the_charters_terms(case: str, language: str) -> None:
    scenario, votes = _cases()[case]
    with i18n.using(language):
        shown = localized(scenario)
        why = localized_outcome(tally(scenario, votes), shown).explanation
    for term in CHARTER_TERMS[case][language]:
        assert term in why, f"{case} in {language}: {term!r} not in {why!r}"
    names = {m.code: m.name for m in shown.members}
    for code in ("CHN", "RUS") if case != "seed" else ("CHN",):
        assert names[code] in why  # members named as the reader names them
    if language == "zh":
        assert "。 " not in why  # Chinese sentences follow each other without a space


@pytest.mark.parametrize(
    ("target", "expected"),
    [
        ("/scenarios/x?USA=yes", "/scenarios/x?USA=yes"),
        ("//evil.example", "/"),
        ("/\\evil.example", "/"),
        ("https://evil.example", "/"),
        ("javascript:alert(1)", "/"),
        ("/a\r\nSet-Cookie: x=1", "/"),
        (None, "/"),
        ("", "/"),
    ],
)
def test_the_language_switch_goes_back_only_to_this_site(target: str | None, expected: str) -> None:
    assert safe_next(target) == expected


def test_a_cookie_the_standard_library_rejects_does_not_hide_the_language() -> None:
    scope = {"query_string": b"", "headers": [(b"cookie", b'pref={"a":1}; unsc_lang=ru; a=b c')]}
    assert i18n.language_of_scope(scope) == "ru"


def test_private_use_codes_are_no_country() -> None:
    assert i18n.country_name("XBB", "fr") is None and i18n.country_name("XB", "ru") is None
    assert i18n.country_name("QZ", "es") is None and i18n.country_name("AA", "zh") is None


# ``_()`` in templates: the app's one-call version must say exactly what Jinja's own newstyle gettext says.


def _environments(autoescape: bool) -> tuple[Environment, Environment]:
    from app.web import configure

    ours = configure(Environment(autoescape=autoescape))
    jinjas = Environment(autoescape=autoescape, extensions=["jinja2.ext.i18n"])
    jinjas.install_gettext_callables(i18n.gettext, i18n.ngettext, newstyle=True)  # type: ignore[attr-defined]
    return ours, jinjas


@pytest.mark.parametrize("autoescape", [True, False])
@pytest.mark.parametrize("language", ["en", "fr", "ar"])
@pytest.mark.parametrize(
    "source",
    [
        '{{ _("Voting is open") }}',
        '{{ _("100%% of the votes") }}',
        '{{ _("%(member)s: %(text)s", member="<b>France</b>", text="a & b") }}',
        '{{ _("Join on your phone") }}|{{ _("Join on your phone") }}',
    ],
)
def test_template_gettext_says_what_jinjas_says(autoescape: bool, language: str, source: str) -> None:
    ours, jinjas = _environments(autoescape)
    with i18n.using(language):
        assert ours.from_string(source).render() == jinjas.from_string(source).render()


def test_template_gettext_remembers_each_language_apart() -> None:
    ours, _jinjas = _environments(True)
    template = ours.from_string('{{ _("Voting is open") }}')
    said: dict[str, str] = {}
    for language in ("en", "fr", "en", "ru"):
        with i18n.using(language):
            said.setdefault(language, template.render())
            assert template.render() == said[language]
    assert said["en"] == "Voting is open" and said["fr"] != said["en"] and said["ru"] != said["fr"]
