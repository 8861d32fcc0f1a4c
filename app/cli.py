"""The ``unsc-sim`` command: serve the app, validate and tally scenario files, print the schema."""

from __future__ import annotations

import argparse
import json
import sys
from collections.abc import Sequence
from pathlib import Path

from app.domain.errors import InvalidScenario
from app.domain.rules import Outcome, headline, tally
from app.domain.scenario import Scenario
from app.domain.votes import OutcomeKind
from app.scenario_files import is_scenario_file, load_file
from app.schema import scenario_json_schema


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


def verdict_text(scenario: Scenario, outcome: Outcome) -> str:
    if outcome.outcome is OutcomeKind.PENDING:
        return "Pending: undecided members can still change the result"
    return headline(scenario, outcome)


def _render(scenario: Scenario, outcome: Outcome) -> str:
    c = outcome.counts
    names = {m.code: m.name for m in scenario.members}
    label = {"adopted": "ADOPTED", "not_adopted": "NOT ADOPTED", "pending": "PENDING"}[outcome.outcome.value]
    lines = [
        scenario.title,
        f"Matter:      {outcome.matter.value} ({outcome.required} votes in favour required)",
        f"Result:      {label}: {verdict_text(scenario, outcome)}",
        f"Votes:       {c.yes}-{c.no}-{c.abstain} (yes-no-abstain), {c.absent} absent, {c.undecided} undecided",
        f'Needed:      {outcome.needed} more "yes"'
        if outcome.needed
        else "Needed:      none, the threshold is reached",
    ]
    if outcome.vetoed_by:
        lines.append("Vetoed by:   " + ", ".join(names[code] for code in outcome.vetoed_by))
    if outcome.pivotal:
        lines.append("Pivotal:     " + ", ".join(names[code] for code in outcome.pivotal))
    lines.append(f"Why:         {outcome.explanation}")
    record = scenario.record
    if record is not None:
        real = {"adopted": "adopted", "not_adopted": "not adopted", "not_held": "not held"}[record.outcome]
        figures = "-".join(str(n) for n in (record.yes, record.no, record.abstain) if n is not None)
        source = f"; source: {record.source}" if record.source else ""
        lines.append(f"In reality:  {real}{' ' + figures if figures else ''}{source}")
    return "\n".join(lines)


def _tally(args: argparse.Namespace) -> int:
    try:
        scenario = load_file(Path(args.path))
    except InvalidScenario as invalid:
        print(invalid.describe(), file=sys.stderr)
        return 1
    outcome = tally(scenario)
    print(outcome.model_dump_json(indent=2) if args.json else _render(scenario, outcome))
    return 0


def _schema(args: argparse.Namespace) -> int:
    print(json.dumps(scenario_json_schema(), indent=2, ensure_ascii=False))
    return 0


def _serve(args: argparse.Namespace) -> int:
    from app.serve import serve

    code: int = serve(args)
    return code


def parser() -> argparse.ArgumentParser:
    top = argparse.ArgumentParser(prog="unsc-sim", description="UN Security Council vote simulator.")
    commands = top.add_subparsers(dest="command", required=True, metavar="COMMAND")

    serve = commands.add_parser("serve", help="run the web app")
    serve.add_argument("--host", default=None, help="address to listen on (default 127.0.0.1)")
    serve.add_argument("--port", type=int, default=None, help="port (default 8000)")
    serve.add_argument("--scenarios", default=None, help="folder of scenario files (default: the bundled ones)")
    serve.add_argument("--data", default=None, help="folder for the session database (default: ./data)")
    serve.add_argument(
        "--token",
        default=None,
        help="the instructor secret (default: UNSC_SIM_INSTRUCTOR_TOKEN, else a random one kept in the data folder)",
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

    schema = commands.add_parser("schema", help="print the JSON Schema of scenario files")
    schema.set_defaults(run=_schema)
    return top


def main(argv: Sequence[str] | None = None) -> int:
    args = parser().parse_args(argv)
    try:
        code: int = args.run(args)
    except KeyboardInterrupt:
        return 130
    return code


if __name__ == "__main__":
    sys.exit(main())
