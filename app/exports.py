"""The debrief's files: a session's result and its audit log, as CSV and JSON, from one snapshot.

Both formats are built here from the same ``SessionView`` and log, so they can never disagree.
"""

from __future__ import annotations

import csv
import io
import json
from typing import Any

from app.domain.session import SessionView

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
    rows: list[list[Any]] = [
        ["scenario", scenario.title],
        ["date", scenario.date.isoformat() if scenario.date else ""],
        ["question", " ".join(scenario.question.split())],
        ["outcome", outcome.outcome.value],
        ["votes (yes-no-abstain)", f"{c.yes}-{c.no}-{c.abstain}"],
        ["required", outcome.required],
        ["vetoed by", " ".join(outcome.vetoed_by)],
        ["explanation", outcome.explanation],
        [],
        ["code", "delegation", "permanent", "vote", "cast_at", "held_by"],
    ]
    rows += [
        [d["code"], d["name"], "yes" if d["permanent"] else "no", d["vote"], d["cast_at"] or "", d["holder"] or ""]
        for d in _delegations(view)
    ]
    return _csv(rows)


def audit_csv(log: AuditLog) -> str:
    """Every change, who made it and when."""
    rows: list[list[Any]] = [["id", "at", "version", "actor", "action", "delegation", "detail"]]
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
            "by": "President" if entry.by == "president" else names.get(entry.by, entry.by),
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
        ["title", view.scenario.title],
        [],
        ["at", "by", "what", "rule", "result", "yes", "no", "abstain", *codes],
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
