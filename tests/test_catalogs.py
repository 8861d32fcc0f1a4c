"""The six languages are complete: every message translated in every catalog, every template's text in the catalog.

- The catalog template (app/locale/messages.pot) is what the source says today (``make messages`` was run).
- Each language's catalog translates every message, every plural form, nothing fuzzy, with the same
  placeholders as the English (Babel's own checks).
- No template holds words outside ``_()``: text and the attributes people read (labels, titles,
  placeholders) hold only markup, Jinja expressions and symbols.
"""

from __future__ import annotations

import re
import subprocess
import sys
from html.parser import HTMLParser
from pathlib import Path

import pytest
from babel.messages.catalog import Catalog
from babel.messages.pofile import read_po

from app.i18n import DOMAIN, LANGUAGES, LOCALE_DIR, SOURCE
from tests.conftest import ROOT

TRANSLATED = [language for language in LANGUAGES if language != SOURCE]
TEMPLATES = sorted((ROOT / "templates").rglob("*.html"))
# Words a template may show as they are, in every language.
UNTRANSLATED_WORDS = {"unsc-sim", "unsc", "sim", "utc"}
READ_ATTRIBUTES = {
    "aria-label",
    "aria-description",
    "title",
    "placeholder",
    "alt",
    "data-confirm",
    "aria-roledescription",
}


def read(path: Path, language: str | None = None) -> Catalog:
    with path.open("rb") as handle:
        return read_po(handle, locale=language, domain=DOMAIN)


def test_the_catalog_template_is_up_to_date(tmp_path: Path) -> None:
    fresh = tmp_path / "messages.pot"
    subprocess.run(
        [
            sys.executable,
            "-m",
            "babel.messages.frontend",
            "extract",
            "-F",
            "babel.cfg",
            "-o",
            str(fresh),
            "app",
            "templates",
        ],
        cwd=ROOT,
        check=True,
        capture_output=True,
    )
    extracted = {m.id for m in read(fresh) if m.id}
    committed = {m.id for m in read(LOCALE_DIR / f"{DOMAIN}.pot") if m.id}
    assert extracted - committed == set(), "new strings are not in the catalogs: run `make messages`, then translate"
    assert committed - extracted == set(), "the catalogs hold strings the source no longer has: run `make messages`"


@pytest.mark.parametrize("language", TRANSLATED)
def test_every_message_is_translated(language: str) -> None:
    template = {m.id for m in read(LOCALE_DIR / f"{DOMAIN}.pot") if m.id}
    catalog = read(LOCALE_DIR / language / "LC_MESSAGES" / f"{DOMAIN}.po", language)
    missing, fuzzy = [], []
    for message in catalog:
        if not message.id:
            continue
        strings = message.string if isinstance(message.string, tuple) else (message.string,)
        if len(strings) != (catalog.num_plurals if message.pluralizable else 1) or not all(strings):
            missing.append(message.id)
        if message.fuzzy:
            fuzzy.append(message.id)
    assert not missing, f"{language}: {len(missing)} untranslated, e.g. {missing[:5]}"
    assert not fuzzy, f"{language}: {len(fuzzy)} fuzzy, e.g. {fuzzy[:5]}"
    assert template <= {m.id for m in catalog if m.id}, f"{language}: run `make messages`"


@pytest.mark.parametrize("language", TRANSLATED)
def test_translations_keep_the_placeholders(language: str) -> None:
    catalog = read(LOCALE_DIR / language / "LC_MESSAGES" / f"{DOMAIN}.po", language)
    problems = [
        f"{message.id!r}: {error}"
        for message, errors in catalog.check()
        for error in errors
        # A language with fewer plural forms than English (Chinese has one) words every count in one form,
        # which may name a placeholder only the English plural has.
        if not (message.pluralizable and "placeholder" in str(error) and str(error).split("'")[1] in message.id[1])
    ]
    assert not problems, "\n".join(problems[:10])


@pytest.mark.parametrize("language", TRANSLATED)
def test_translations_are_plain_text(language: str) -> None:
    """A translation lands in HTML attributes and in ``%`` formatting as it is (Jinja's ``_()`` trusts the
    catalog): it may hold a double quote, an angle bracket or a percent sign only where the English does."""
    catalog = read(LOCALE_DIR / language / "LC_MESSAGES" / f"{DOMAIN}.po", language)
    unsafe = []
    for message in catalog:
        if not message.id:
            continue
        english = "".join(message.id) if isinstance(message.id, tuple) else str(message.id)
        strings = message.string if isinstance(message.string, tuple) else (message.string,)
        for text in (str(t or "") for t in strings):
            for mark in ('"', "<", ">", "%"):
                if text.count(mark) > english.count(mark) * (2 if isinstance(message.id, tuple) else 1):
                    unsafe.append(f"{english!r} -> {text!r} ({mark})")
    assert not unsafe, "\n".join(unsafe[:10])


class _Words(HTMLParser):
    """Text nodes and read attributes of a template whose Jinja has been blanked out."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.found: list[str] = []
        self._skip = 0

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag in _AS_TYPED:
            self._skip += 1
        self.found += [value for name, value in attrs if value and name in READ_ATTRIBUTES]

    def handle_endtag(self, tag: str) -> None:
        if tag in _AS_TYPED:
            self._skip = max(0, self._skip - 1)

    def handle_data(self, data: str) -> None:
        if not self._skip:
            self.found.append(data)


# Scripts, styles, and commands or file names as the reader types them (``make classroom``, ``openapi.json``).
_AS_TYPED = {"script", "style", "code", "kbd", "samp"}
_JINJA = re.compile(r"\{\{.*?\}\}|\{%.*?%\}|\{#.*?#\}", re.DOTALL)
# What a template puts into a tag through a block or a macro (a body class, ``aria-invalid="true"``), and file
# suffixes (``.yaml``) and paths (``/openapi.json``): markup, not words.
_MARKUP = re.compile(r"\{% block body_class %\}.*?\{% endblock %\}|[\w-]+=\"[^\"]*\"|\.[a-z]+\b|/[\w./-]+", re.DOTALL)
_WORD = re.compile(r"[^\W\d_][^\W\d_]+(?:-[^\W\d_]+)*")


@pytest.mark.parametrize("path", TEMPLATES, ids=lambda p: str(p.relative_to(ROOT / "templates")))
def test_templates_hold_no_text_outside_the_catalog(path: Path) -> None:
    parser = _Words()
    parser.feed(_JINJA.sub(" ", _MARKUP.sub(" ", path.read_text(encoding="utf-8"))))
    words = [word for text in parser.found for word in _WORD.findall(text) if word.lower() not in UNTRANSLATED_WORDS]
    assert not words, f"words outside _(): {words[:12]}"


def test_the_template_check_finds_a_bare_word() -> None:
    parser = _Words()
    parser.feed(_JINJA.sub(" ", '<p>{{ _("Fine") }}</p><button aria-label="Close">{{ x }}</button><p>Vote now</p>'))
    assert [w for text in parser.found for w in _WORD.findall(text)] == ["Close", "Vote", "now"]
