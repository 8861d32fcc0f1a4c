"""Marking the domain's words for translation, without the domain knowing any language.

The domain says things no reader has asked for yet (why an action is refused, what a meeting's act
was). It marks each sentence with ``N_``, which returns it unchanged, so Babel's extractor puts it in
the catalog; the layer that shows it to a reader translates it then (``app.i18n.gettext``), filling in
its named placeholders (``%(member)s``) after translation.
"""

from __future__ import annotations


def N_(message: str) -> str:
    return message
