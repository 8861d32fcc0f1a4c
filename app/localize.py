"""A scenario and its outcome as a reader of one language sees them.

A scenario is written in one language (``language``, English unless it says otherwise) and may give its
title, question, context, verdict, members' names and briefs in others (``translations``). For a reader
of another language, ``localized`` gives the scenario with those fields in the reader's language: the
translation where the scenario has one; else, for a member's name, CLDR's name of the country when its
code is a country code; else the scenario's own words. The verdict's usual words ("The meeting
convenes") are in the catalog too, so a scenario that keeps them reads in every language.

``localized_outcome`` words an outcome's explanation in the reader's language from its structured
reasons, with the members' names as the reader sees them.
"""

from __future__ import annotations

import dataclasses
import threading
from collections import OrderedDict

from app import i18n
from app.domain.rules import Outcome, explain
from app.domain.scenario import Scenario, Verdict
from app.domain.session import SessionView
from app.domain.text import N_

# The verdicts the bundled scenarios and the editor's templates use, so a catalog has them (see rules.headline).
COMMON_VERDICTS = (
    N_("Adopted"),
    N_("Not adopted"),
    N_("The meeting convenes"),
    N_("The meeting does not convene"),
    N_("The invitation is extended"),
    N_("The invitation is not extended"),
    N_("The draft resolution is adopted"),
    N_("The draft resolution is not adopted"),
    N_("The emergency special session is called"),
    N_("No emergency special session is called"),
    N_("The meeting is adjourned"),
    N_("The meeting continues"),
)

_CACHE_SIZE = 512
_cache: OrderedDict[tuple[int, str], tuple[Scenario, Scenario]] = OrderedDict()
_lock = threading.Lock()
_views: OrderedDict[tuple[str, int, str], tuple[SessionView, SessionView]] = OrderedDict()


def member_name(scenario: Scenario, code: str, name: str, language: str) -> str:
    """What a reader of ``language`` calls the member ``code`` that ``scenario`` names ``name``."""
    if language == scenario.language:
        return name
    translation = scenario.translations.get(language)  # type: ignore[call-overload]
    if translation is not None and code in translation.names:
        return str(translation.names[code])
    return i18n.country_name(code, language) or name


def localized(scenario: Scenario, language: str | None = None) -> Scenario:
    """``scenario`` as a reader of ``language`` (by default, the language being rendered) sees it."""
    language = language or i18n.current()
    if language == scenario.language:
        return scenario
    key = (id(scenario), language)
    with _lock:
        hit = _cache.get(key)
        if hit is not None and hit[0] is scenario:
            _cache.move_to_end(key)
            return hit[1]
    result = _localize(scenario, language)
    with _lock:
        _cache[key] = (scenario, result)  # holding the original keeps its id from being reused while cached
        _cache.move_to_end(key)
        while len(_cache) > _CACHE_SIZE:
            _cache.popitem(last=False)
    return result


def _localize(scenario: Scenario, language: str) -> Scenario:
    translation = scenario.translations.get(language)  # type: ignore[call-overload]
    members = [
        member.model_copy(
            update={
                "name": member_name(scenario, member.code, member.name, language),
                "brief": (translation.briefs.get(member.code) if translation is not None else None) or member.brief,
            }
        )
        for member in scenario.members
    ]
    update: dict[str, object] = {"members": members}
    if translation is not None:
        for field in ("title", "question", "context"):
            value = getattr(translation, field)
            if value:
                update[field] = value
        if translation.verdict is not None:
            update["verdict"] = Verdict(
                adopted=translation.verdict.adopted or scenario.verdict.adopted,
                not_adopted=translation.verdict.not_adopted or scenario.verdict.not_adopted,
            )
    return scenario.model_copy(update=update)


def localized_outcome(outcome: Outcome, scenario: Scenario) -> Outcome:
    """``outcome`` with its explanation in the language being rendered, naming members as ``scenario`` (as
    the reader sees it, see ``localized``) names them."""
    if i18n.current() == i18n.SOURCE and scenario.language == i18n.SOURCE and not scenario.translations:
        return outcome  # as decided: English, with the scenario's names
    names = {m.code: m.name for m in scenario.members}
    return outcome.model_copy(update={"explanation": explain(outcome.reasons, names, i18n.CURRENT)})


def localized_view(view: SessionView) -> SessionView:
    """A session's view with its scenario as the reader sees it (see ``localized``)."""
    shown = localized(view.scenario)
    if shown is view.scenario:
        return view
    key = (view.id, view.version, i18n.current())
    with _lock:
        hit = _views.get(key)
        if hit is not None and hit[0] is view:
            return hit[1]
    names = {m.code: m.name for m in shown.members}
    seats = tuple(dataclasses.replace(s, name=names.get(s.code, s.name)) for s in view.seats)
    result = dataclasses.replace(view, scenario=shown, seats=seats)
    with _lock:  # every audience of a version in one language shares it: a room of 40 phones makes it once
        _views[key] = (view, result)
        while len(_views) > _CACHE_SIZE:
            _views.popitem(last=False)
    return result


def explained(outcome: Outcome, scenario: Scenario) -> str:
    """For a template: ``outcome``'s explanation in the reader's language, with ``scenario``'s names as they read."""
    return localized_outcome(outcome, localized(scenario)).explanation
