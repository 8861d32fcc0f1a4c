"""The debrief's files: a session's result and its audit log, as CSV and JSON, from one snapshot.

Both formats are built here from the same ``SessionView`` and log, so they can never disagree. The CSV files'
headings and the explanation are in the language of the request that asks for them; JSON keys never change.
"""

from __future__ import annotations

import csv
import io
import json
from typing import Any

from app import i18n
from app.domain.rules import explain
from app.domain.session import SessionView
from app.i18n import gettext as _
from app.i18n import pgettext

AuditLog = list[dict[str, Any]]


def _delegations(view: SessionView) -> list[dict[str, Any]]:
    return [
        {
            "code": s.code,
            "name": s.name,
            "permanent": s.permanent,
            "vote": s.vote.value,
            "cast_at": s.voted_at.isoformat() if s.voted_at else None,
            "holder": s.holder,
        }
        for s in view.seats
    ]


def result_json(view: SessionView, log: AuditLog) -> str:
    """Every delegation's vote and when it was cast, the outcome, and the audit log."""
    return json.dumps(
        {
            "session": view.id,
            "scenario": {
                "id": view.scenario_id,
                "title": view.scenario.title,
                "date": view.scenario.date.isoformat() if view.scenario.date else None,
                "question": view.scenario.question,
            },
            "status": view.status.value,
            "version": view.version,
            "delegations": _delegations(view),
            "outcome": view.outcome.model_dump(mode="json"),
            "audit": log,
        },
        indent=2,
        ensure_ascii=False,
    )


def _csv(rows: list[list[Any]]) -> str:
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    for row in rows:
        # A cell starting with = + - @ would run as a formula in a spreadsheet; quote it as text.
        writer.writerow(["'" + c if isinstance(c, str) and c[:1] in ("=", "+", "-", "@") else c for c in row])
    return buffer.getvalue()


def result_csv(view: SessionView) -> str:
    """What was voted on and how it ended, as label and value, then one row per delegation:
    the same facts as ``result_json``, in one layout from the first line to the last."""
    outcome = view.outcome
    scenario = view.scenario
    c = outcome.counts
    names = {m.code: m.name for m in scenario.members}
    rows: list[list[Any]] = [
        # Translators: this and the headings below label the rows and columns of a session's result (a CSV file).
        [_("scenario"), scenario.title],
        [_("date"), scenario.date.isoformat() if scenario.date else ""],
        [_("question"), " ".join(scenario.question.split())],
        [_("outcome"), outcome.outcome.value],
        [_("votes (yes-no-abstain)"), f"{c.yes}-{c.no}-{c.abstain}"],
        [_("required"), outcome.required],
        [_("vetoed by"), " ".join(outcome.vetoed_by)],
        [_("explanation"), explain(outcome.reasons, names, i18n.CURRENT)],
        [],
        [
            # Translators: this and the next are column headings of a session's result (CSV): the delegation's code, its name...
            _("code"),
            _("delegation"),
            # Translators: a column heading of a session's result (CSV): whether the delegation is a permanent member.
            _("permanent"),
            _("vote"),
            # Translators: a column heading of a session's result (CSV): when the vote was cast.
            _("cast_at"),
            # Translators: a column heading of a session's result (CSV): the student(s) who held the seat.
            _("held_by"),
        ],
    ]
    permanent = {True: pgettext("a permanent member?", "yes"), False: pgettext("a permanent member?", "no")}
    rows += [
        [d["code"], d["name"], permanent[bool(d["permanent"])], d["vote"], d["cast_at"] or "", d["holder"] or ""]
        for d in _delegations(view)
    ]
    return _csv(rows)


def audit_csv(log: AuditLog) -> str:
    """Every change, who made it and when."""
    # Translators: column headings of the audit log (CSV): the change's number, when, the session's version, who, what.
    rows: list[list[Any]] = [[_("id"), _("at"), _("version"), _("actor"), _("action"), _("delegation"), _("detail")]]
    rows += [
        [e["id"], e["at"], e["version"], e["actor"], e["action"], e["member"] or "", e["detail"] or ""] for e in log
    ]
    return _csv(rows)


# The record of a meeting: every step, who did it, the rule applied and each vote by member.


def _entries(view: SessionView) -> list[dict[str, Any]]:
    meeting = view.meeting
    assert meeting is not None
    names = {m.code: m.name for m in meeting.members}
    rows = []
    for entry in meeting.record:
        question = entry.question
        row: dict[str, Any] = {
            "at": entry.at.isoformat(),
            # Translators: who did a step of the meeting, in its record: the President of the Council.
            "by": _("President") if entry.by == "president" else names.get(entry.by, entry.by),
            "what": entry.what,
            "rule": entry.rule,
        }
        if question is not None and question.outcome is not None:
            row["question"] = {
                "number": question.number,
                "kind": question.kind.value,
                "text": question.text,
                "rule": question.rule,
                "votes": {code: vote.value for code, vote in question.votes.items()},
                "outcome": question.outcome.model_dump(mode="json"),
            }
        rows.append(row)
    return rows


def record_json(view: SessionView) -> str:
    """The meeting's record as data: each entry, and for each vote the question, each member's vote and the outcome."""
    meeting = view.meeting
    assert meeting is not None
    return json.dumps(
        {
            "session": view.id,
            "scenario": {"id": view.scenario_id, "title": view.scenario.title},
            "phase": meeting.phase.value,
            "record": _entries(view),
        },
        indent=2,
        ensure_ascii=False,
    )


def record_csv(view: SessionView) -> str:
    """The meeting's record, one line per entry; a vote adds its result and each member's vote in columns."""
    meeting = view.meeting
    assert meeting is not None
    codes = [m.code for m in meeting.members]
    rows: list[list[Any]] = [
        # Translators: the headings of a meeting's record (a CSV file): its title; when, who, what happened, the rule, the result.
        [_("title"), view.scenario.title],
        [],
        [
            _("at"),
            _("by"),
            _("what"),
            _("rule"),
            _("result"),
            pgettext("vote", "yes"),
            pgettext("vote", "no"),
            pgettext("vote", "abstain"),
            *codes,
        ],
    ]
    for entry in _entries(view):
        question = entry.get("question")
        if question is None:
            rows.append([entry["at"], entry["by"], entry["what"], entry["rule"]])
            continue
        outcome = question["outcome"]
        counts = outcome["counts"]
        votes = [question["votes"].get(code, "") for code in codes]
        result = [outcome["outcome"], counts["yes"], counts["no"], counts["abstain"]]
        rows.append([entry["at"], entry["by"], entry["what"], entry["rule"], *result, *votes])
    return _csv(rows)
