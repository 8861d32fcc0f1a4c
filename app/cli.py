"""The ``unsc-sim`` command: serve the app, validate and tally scenario files, print the schema, back up sessions."""

from __future__ import annotations

import argparse
import json
import os
import sys
from collections.abc import Sequence
from pathlib import Path

from app.domain.errors import InvalidScenario
from app.domain.meeting import Decision, QuestionKind, decisions
from app.domain.power import PowerReport, power_report, what_if_sentence
from app.domain.rules import Outcome, headline, tally
from app.domain.scenario import Record, Scenario
from app.scenarios import is_scenario_file, load_file, scenario_json_schema


def _expand(paths: Sequence[str]) -> list[Path]:
    files: list[Path] = []
    for name in paths:
        path = Path(name)
        if path.is_dir():
            files.extend(sorted(p for p in path.iterdir() if p.is_file() and is_scenario_file(p)))
        else:
            files.append(path)
    return files


def _validate(args: argparse.Namespace) -> int:
    files = _expand(args.paths)
    bad = 0
    for path in files:
        try:
            load_file(path)
        except InvalidScenario as invalid:
            bad += 1
            print(invalid.describe(), file=sys.stderr)
        else:
            if not args.quiet:
                print(f"{path}: valid")
    if not files:
        print("no scenario files found (.yaml, .yml or .json)", file=sys.stderr)
        return 1
    if bad:
        print(f"{bad} of {len(files)} file{'s' if len(files) != 1 else ''} invalid", file=sys.stderr)
    return 1 if bad else 0


def _render(scenario: Scenario, outcome: Outcome) -> str:
    c = outcome.counts
    names = {m.code: m.name for m in scenario.members}
    label = {"adopted": "ADOPTED", "not_adopted": "NOT ADOPTED", "pending": "PENDING"}[outcome.outcome.value]
    lines = [
        scenario.title,
        f"Matter:      {outcome.matter.value} ({outcome.required} votes in favour required)",
        f"Result:      {label}: {headline(scenario, outcome)}",
        f"Votes:       {c.yes}-{c.no}-{c.abstain} (yes-no-abstain), {c.absent} absent, "
        + (f"{c.not_participating} not participating, " if c.not_participating else "")
        + f"{c.undecided} undecided",
        f'Needed:      {outcome.needed} more "yes"'
        if outcome.needed
        else "Needed:      none, the threshold is reached",
    ]
    if outcome.vetoed_by:
        lines.append("Vetoed by:   " + ", ".join(names[code] for code in outcome.vetoed_by))
    if outcome.pivotal:
        lines.append("Pivotal:     " + ", ".join(names[code] for code in outcome.pivotal))
    lines.append(f"Why:         {outcome.explanation}")
    if scenario.record is not None:
        lines.append(f"In reality:  {_reality(scenario.record)}")
    return "\n".join(lines)


def _reality(record: Record) -> str:
    source = f"; source: {record.source}" if record.source else ""
    if record.outcome == "not_held":
        backed = f", {record.supporters} members backed it; no vote was taken" if record.supporters is not None else ""
        return f"the meeting was not held{backed}{source}"
    real = {"adopted": "adopted", "not_adopted": "not adopted"}[record.outcome]
    figures = "-".join(str(n) for n in (record.yes, record.no, record.abstain) if n is not None)
    return f"{real}{' ' + figures if figures else ''}{source}"


def _tally(args: argparse.Namespace) -> int:
    try:
        scenario = load_file(Path(args.path))
    except InvalidScenario as invalid:
        print(invalid.describe(), file=sys.stderr)
        return 1
    if scenario.is_meeting:
        steps = decisions(scenario)
        if args.json:
            rows = [
                {"step": d.step, "kind": d.kind.value, "rule": d.rule, "subject": d.subject}
                | (d.outcome.model_dump(mode="json") if d.outcome else {"outcome": "without_vote"})
                for d in steps
            ]
            print(json.dumps(rows, indent=2, ensure_ascii=False))
        else:
            print(_render_meeting(scenario, steps))
        return 0
    outcome = tally(scenario)
    print(outcome.model_dump_json(indent=2) if args.json else _render(scenario, outcome))
    return 0


def _render_meeting(scenario: Scenario, steps: list[Decision]) -> str:
    """Each decision of a meeting in order: what was decided, by what votes, under which rule, and why."""
    names = {m.code: m.name for m in scenario.members}
    lines = [scenario.title]
    for number, step in enumerate(steps, 1):
        lines.append("")
        lines.append(f"{number}. {step.step[0].upper()}{step.step[1:]} ({step.rule}): {step.words}")
        outcome = step.outcome
        if outcome is not None:
            c = outcome.counts
            lines.append(
                f"   Votes: {c.yes}-{c.no}-{c.abstain} (yes-no-abstain) on a {outcome.matter.value} matter, "
                f"{outcome.required} needed"
            )
            if outcome.vetoed_by:
                lines.append("   Vetoed by: " + ", ".join(names[code] for code in outcome.vetoed_by))
            lines.append(f"   Why: {outcome.explanation}")
        if step.record is not None:
            lines.append(f"   In reality: {_reality(step.record)}")
    last = steps[-1] if steps else None
    if (
        last is not None
        and last.kind is QuestionKind.AGENDA
        and last.outcome is not None
        and last.outcome.outcome.value == "not_adopted"
        and (scenario.invitations or scenario.drafts)
    ):
        lines.append("")
        lines.append("The meeting does not convene: nothing else on its agenda is taken up.")
    return "\n".join(lines)


# unsc-sim power: who holds how much voting power, and what the votes so far leave open.


def _render_power(report: PowerReport, names: dict[str, str]) -> str:
    lines = [
        f"Voting power: {report.matter.value} matter, {report.seats} seats, {report.required} votes in favour required",
        report.sentence,
        "",
        f"{'Member':<28} {'Seat':<9} {'Shapley-Shubik':>22} {'Banzhaf':>18} {'Swings':>10}",
    ]
    for m in report.members:
        seat = "party" if m.obliged_to_abstain else ("permanent" if m.permanent else "elected")
        shapley = f"{m.shapley_shubik:.4f} ({m.shapley_shubik_exact})"
        lines.append(f"{m.name[:28]:<28} {seat:<9} {shapley:>22} {m.banzhaf:>18.4f} {m.swings:>10}")
    lines += ["", f"Path:        {report.path_sentence}"]
    changes = [what_if_sentence(w, names) for w in report.what_ifs if w.changes]
    lines += [f"What if:     {text}" for text in changes]
    return "\n".join(lines)


def _power(args: argparse.Namespace) -> int:
    try:
        scenario = load_file(Path(args.path))
    except InvalidScenario as invalid:
        print(invalid.describe(), file=sys.stderr)
        return 1
    report = power_report(scenario)
    names = {m.code: m.name for m in scenario.members}
    print(report.model_dump_json(indent=2) if args.json else _render_power(report, names))
    return 0


def _schema(_args: argparse.Namespace) -> int:
    print(json.dumps(scenario_json_schema(), indent=2, ensure_ascii=False))
    return 0


def _serve(args: argparse.Namespace) -> int:
    from app.serve import serve

    code: int = serve(args)
    return code


def _backup(args: argparse.Namespace) -> int:
    from app.backup import run

    return run(args)


def parser() -> argparse.ArgumentParser:
    top = argparse.ArgumentParser(prog="unsc-sim", description="UN Security Council vote simulator.")
    commands = top.add_subparsers(dest="command", required=True, metavar="COMMAND")

    serve = commands.add_parser("serve", help="run the web app")
    serve.add_argument("--host", default=None, help="address to listen on (default 127.0.0.1)")
    serve.add_argument("--port", type=int, default=None, help="port (default 8000)")
    serve.add_argument(
        "--scenarios",
        default=None,
        help="your folder of scenario files, listed with the bundled ones; the editor saves there",
    )
    serve.add_argument(
        "--no-bundled",
        dest="bundled",
        action="store_false",
        default=None,
        help="list only the scenarios in --scenarios, not the bundled ones",
    )
    serve.add_argument("--data", default=None, help="folder for the session database (default: ./data)")
    serve.add_argument(
        "--token",
        default=None,
        help="the instructor secret (default: UNSC_SIM_INSTRUCTOR_TOKEN, else a random one kept in the data folder)",
    )
    serve.add_argument(
        "--classroom",
        action="store_true",
        help="for a class on the school network: listen on every interface, print links with this computer's address",
    )
    serve.add_argument(
        "--public-url",
        default=None,
        help="the address join links and QR codes carry, e.g. https://unsc.example.org (default: where it listens)",
    )
    serve.add_argument(
        "--workers",
        type=int,
        default=None,
        help="worker processes (default 1); more than one needs PostgreSQL (UNSC_SIM_DATABASE_URL)",
    )
    serve.set_defaults(run=_serve)

    validate = commands.add_parser("validate", help="check scenario files; exit 1 if any is invalid")
    validate.add_argument("paths", nargs="+", metavar="PATH", help="scenario files, or folders of them")
    validate.add_argument("-q", "--quiet", action="store_true", help="print only the errors")
    validate.set_defaults(run=_validate)

    tally_cmd = commands.add_parser("tally", help="the outcome of the votes as written in a scenario file")
    tally_cmd.add_argument("path", metavar="PATH")
    tally_cmd.add_argument("--json", action="store_true", help="print the outcome as JSON")
    tally_cmd.set_defaults(run=_tally)

    power = commands.add_parser("power", help="voting power (Shapley-Shubik, Banzhaf) in a scenario's council")
    power.add_argument("path", metavar="PATH")
    power.add_argument("--json", action="store_true", help="print the indices as JSON")
    power.set_defaults(run=_power)

    schema = commands.add_parser("schema", help="print the JSON Schema of scenario files")
    schema.set_defaults(run=_schema)

    backup = commands.add_parser(
        "backup", help="copy the session database to PATH, consistently, while the server runs (SQLite)"
    )
    backup.add_argument("path", metavar="PATH", help="the copy to write (an existing file is never overwritten)")
    backup.add_argument("--data", default=None, help="the server's data folder (default: ./data, or UNSC_SIM_DATA_DIR)")
    backup.set_defaults(run=_backup)
    return top


def main(argv: Sequence[str] | None = None) -> int:
    args = parser().parse_args(argv)
    try:
        code: int = args.run(args)
    except KeyboardInterrupt:
        return 130
    except BrokenPipeError:  # the reader went away (``| head``): not an error of ours
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        return 0
    return code


if __name__ == "__main__":
    sys.exit(main())
