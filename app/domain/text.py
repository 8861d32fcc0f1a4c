"""Marking the domain's words for translation, without the domain knowing any language.

The domain says things no reader has asked for yet (why an action is refused, what a meeting's act
was, what is wrong with a scenario file). It marks each sentence with ``N_``, which returns it unchanged,
so Babel's extractor puts it in the catalog; the layer that shows it to a reader translates it then
(``app.i18n.gettext``), filling in its named placeholders (``%(member)s``) after translation. A sentence
with a value in it is a ``Phrase``: the English text, keeping its template and parameters for that.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Protocol


def N_(message: str) -> str:
    return message


class Translator(Protocol):
    """What the domain needs from a catalog: ``gettext.NullTranslations`` and Babel's ``Translations`` fit."""

    def gettext(self, message: str, /) -> str: ...

    def ngettext(self, singular: str, plural: str, n: int, /) -> str: ...


class Untranslated:
    """The identity translator: English, as written in the source."""

    def gettext(self, message: str, /) -> str:
        return message

    def ngettext(self, singular: str, plural: str, n: int, /) -> str:
        return singular if n == 1 else plural


ENGLISH = Untranslated()


class Phrase(str):
    """A sentence the domain says, as English text that keeps its untranslated template and named parameters.

    It *is* the English text (a ``str``), so whatever shows, stores, exports or compares it keeps working
    unchanged; ``translated`` words it in a reader's language, translating the template first and filling
    in the parameters after. A parameter that is itself a ``Phrase`` (a motion's name, "The President") is
    translated with it; any other value (a member's name, a symbol, what someone typed, a number) goes in as
    it is. Write one as ``Phrase(N_("%(member)s asks for the floor."), member=name)``, so that the extractor
    finds the template; ``Phrase.ngettext`` for a sentence with a count.
    """

    __slots__ = ("n", "params", "plural", "template")
    template: str
    plural: str | None
    n: int | None  # the number that chose between singular and plural
    params: Mapping[str, object]

    def __new__(cls, template: str, /, **params: object) -> Phrase:
        return cls._made(template, None, None, params)

    @classmethod
    def ngettext(cls, singular: str, plural: str, n: int, /, **params: object) -> Phrase:
        """A sentence whose form depends on the number ``n``. Named as gettext's own function, so that Babel's
        extractor (which knows ``ngettext``) puts both forms in the catalog as one plural message."""
        return cls._made(singular, plural, n, params)

    @classmethod
    def _made(cls, template: str, plural: str | None, n: int | None, params: Mapping[str, object]) -> Phrase:
        english = ENGLISH.gettext(template) if plural is None else ENGLISH.ngettext(template, plural, n or 0)
        phrase = str.__new__(cls, english % params if params else english)
        phrase.template, phrase.plural, phrase.n, phrase.params = template, plural, n, dict(params)
        return phrase

    def translated(self, translate: Translator = ENGLISH) -> str:
        if self.plural is None:
            text = translate.gettext(self.template)
        else:
            text = translate.ngettext(self.template, self.plural, self.n or 0)
        if not self.params:
            return text
        return text % {k: v.translated(translate) if isinstance(v, Phrase) else v for k, v in self.params.items()}


def translated(text: str, translate: Translator = ENGLISH) -> str:
    """Something the domain says, in the language of ``translate`` (English by default): a ``Phrase`` is
    translated then filled in; any other text (a sentence marked with ``N_``) is looked up whole."""
    if isinstance(text, Phrase):
        return text.translated(translate)
    return translate.gettext(text) if text else text
