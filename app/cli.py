"""The ``unsc-sim`` command: serve the app, validate and tally scenario files, print the schema, back up sessions.

What a command prints for people is in the language of ``--lang``, by default the environment's (``LANGUAGE``,
``LC_ALL``, ``LC_MESSAGES``, ``LANG``) when it is one of the six, else English; ``--json`` output never changes.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
from collections.abc import Sequence
from pathlib import Path

from app import i18n
from app.domain.errors import InvalidScenario
from app.domain.meeting import Decision, QuestionKind, decisions
from app.domain.power import (
    PowerReport,
    obliged_sentence,
    path_sentence,
    power_report,
    power_sentence,
    what_if_sentence,
)
from app.domain.rules import Outcome, explain, headline, tally
from app.domain.scenario import Record, Scenario
from app.domain.votes import Matter
from app.i18n import gettext as _
from app.i18n import ngettext
from app.localize import localized
from app.scenarios import is_scenario_file, load_file, scenario_json_schema

LANGUAGE_VARIABLES = ("LANGUAGE", "LC_ALL", "LC_MESSAGES", "LANG")


def environment_language() -> str:
    """The language the environment asks for: the first of ``LANGUAGE``, ``LC_ALL``, ``LC_MESSAGES`` and ``LANG``
    that is set decides, by its first two letters (``fr_FR.UTF-8`` is French); English if it is none of the six."""
    for variable in LANGUAGE_VARIABLES:
        value = os.environ.get(variable)
        if value:
            code = value[:2].lower()
            return code if code in i18n.LANGUAGES else i18n.SOURCE
    return i18n.SOURCE


def _label(label: str, text: str) -> str:
    """A line of a report: the label, then the text in a column of its own ("Matter:      procedural ...")."""
    return f"{label.ljust(12)} {text}"


def _indented(label: str, text: str) -> str:
    """A line under a step of a meeting: "   Why: ..."."""
    return f"   {label} {text}"


def _words(text: str) -> str:
    """Words the domain gives in English, in the language being printed when the catalog has them."""
    return _(text) if text else text


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
    with i18n.using(args.lang):
        return _validate_in_language(args)


def _validate_in_language(args: argparse.Namespace) -> int:
    files = _expand(args.paths)
    bad = 0
    for path in files:
        try:
            load_file(path)
        except InvalidScenario as invalid:
            bad += 1
            print(invalid.describe(i18n.CURRENT), file=sys.stderr)
        else:
            if not args.quiet:
                # Translators: %(path)s is a scenario file that has no problem.
                print(_("%(path)s: valid") % {"path": path})
    if not files:
        print(_("no scenario files found (.yaml, .yml or .json)"), file=sys.stderr)
        return 1
    if bad:
        summary = ngettext("%(bad)d of %(count)d file invalid", "%(bad)d of %(count)d files invalid", len(files))
        print(summary % {"bad": bad, "count": len(files)}, file=sys.stderr)
    return 1 if bad else 0


def _required(matter: Matter, required: int) -> str:
    """The matter and its threshold: "procedural (9 votes in favour required)"."""
    if matter is Matter.PROCEDURAL:
        text = ngettext(
            "procedural (%(required)d vote in favour required)",
            "procedural (%(required)d votes in favour required)",
            required,
        )
    else:
        text = ngettext(
            "substantive (%(required)d vote in favour required)",
            "substantive (%(required)d votes in favour required)",
            required,
        )
    return text % {"required": required}


def _counts(outcome: Outcome) -> str:
    c = outcome.counts
    values = {
        "yes": c.yes,
        "no": c.no,
        "abstain": c.abstain,
        "absent": c.absent,
        "not_participating": c.not_participating,
        "undecided": c.undecided,
    }
    if c.not_participating:
        # Translators: the counts of a vote; "absent", "not participating" and "undecided" are the members counted so.
        text = _(
            "%(yes)d-%(no)d-%(abstain)d (yes-no-abstain), %(absent)d absent, %(not_participating)d not participating, "
            "%(undecided)d undecided"
        )
    else:
        # Translators: the counts of a vote; "absent" and "undecided" are the members counted so.
        text = _("%(yes)d-%(no)d-%(abstain)d (yes-no-abstain), %(absent)d absent, %(undecided)d undecided")
    return text % values


def _render(scenario: Scenario, outcome: Outcome) -> str:
    names = {m.code: m.name for m in scenario.members}
    # Translators: the result of a vote, in capitals, as a banner ("ADOPTED: The meeting convenes").
    label = {"adopted": _("ADOPTED"), "not_adopted": _("NOT ADOPTED"), "pending": _("PENDING")}[outcome.outcome.value]
    if outcome.needed:
        needed = ngettext('%(needed)d more "yes"', '%(needed)d more "yes"', outcome.needed) % {"needed": outcome.needed}
    else:
        needed = _("none, the threshold is reached")
    # Translators: %(result)s is the result in capitals (ADOPTED), %(headline)s the scenario's words for it.
    result = _("%(result)s: %(headline)s") % {"result": label, "headline": headline(scenario, outcome, i18n.CURRENT)}
    lines = [
        scenario.title,
        # Translators: labels of the lines of `unsc-sim tally`: whether the question is procedural or substantive.
        _label(_("Matter:"), _required(outcome.matter, outcome.required)),
        _label(_("Result:"), result),
        _label(_("Votes:"), _counts(outcome)),
        # Translators: how many more votes in favour the question needs.
        _label(_("Needed:"), needed),
    ]
    if outcome.vetoed_by:
        lines.append(_label(_("Vetoed by:"), _(", ").join(names[code] for code in outcome.vetoed_by)))
    if outcome.pivotal:
        # Translators: the members whose vote can still decide the question.
        lines.append(_label(_("Pivotal:"), _(", ").join(names[code] for code in outcome.pivotal)))
    # Translators: the label of the explanation of the result.
    lines.append(_label(_("Why:"), explain(outcome.reasons, names, i18n.CURRENT)))
    if scenario.record is not None:
        # Translators: the label of what the Council really decided, for a historical scenario.
        lines.append(_label(_("In reality:"), _reality(scenario.record)))
    return "\n".join(lines)


def _reality(record: Record) -> str:
    """What the Council really did: "not adopted 8-2-1; source: ..."."""
    if record.outcome == "not_held":
        if record.supporters is not None:
            real = ngettext(
                "the meeting was not held, %(count)d member backed it; no vote was taken",
                "the meeting was not held, %(count)d members backed it; no vote was taken",
                record.supporters,
            ) % {"count": record.supporters}
        else:
            real = _("the meeting was not held")
    else:
        figures = "-".join(str(n) for n in (record.yes, record.no, record.abstain) if n is not None)
        if record.outcome == "adopted":
            # Translators: what the Council really did; %(figures)s are its votes (yes-no-abstain), as 8-2-1.
            real = _("adopted %(figures)s") % {"figures": figures} if figures else _("adopted")
        else:
            # Translators: what the Council really did; %(figures)s are its votes (yes-no-abstain), as 8-2-1.
            real = _("not adopted %(figures)s") % {"figures": figures} if figures else _("not adopted")
    if record.source:
        # Translators: %(reality)s is what the Council really did; %(source)s where that is documented.
        return _("%(reality)s; source: %(source)s") % {"reality": real, "source": record.source}
    return real


def _tally(args: argparse.Namespace) -> int:
    with i18n.using(args.lang):
        return _tally_in_language(args)


def _tally_in_language(args: argparse.Namespace) -> int:
    try:
        scenario = localized(load_file(Path(args.path)))  # its own text and members' names in the chosen language
    except InvalidScenario as invalid:
        print(invalid.describe(i18n.CURRENT), file=sys.stderr)
        return 1
    if scenario.is_meeting:
        steps = decisions(scenario, i18n.CURRENT)
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
        what = _words(step.step)
        lines.append(f"{number}. {what[:1].upper()}{what[1:]} ({_words(step.rule)}): {_words(step.words)}")
        outcome = step.outcome
        if outcome is not None:
            lines.append(_indented(_("Votes:"), _step_votes(outcome)))
            if outcome.vetoed_by:
                lines.append(_indented(_("Vetoed by:"), _(", ").join(names[code] for code in outcome.vetoed_by)))
            lines.append(_indented(_("Why:"), explain(outcome.reasons, names, i18n.CURRENT)))
        if step.record is not None:
            lines.append(_indented(_("In reality:"), _reality(step.record)))
    last = steps[-1] if steps else None
    if (
        last is not None
        and last.kind is QuestionKind.AGENDA
        and last.outcome is not None
        and last.outcome.outcome.value == "not_adopted"
        and (scenario.invitations or scenario.drafts)
    ):
        lines.append("")
        lines.append(_("The meeting does not convene: nothing else on its agenda is taken up."))
    return "\n".join(lines)


def _step_votes(outcome: Outcome) -> str:
    """A meeting's vote: "8-2-1 (yes-no-abstain) on a substantive matter, 9 needed"."""
    c = outcome.counts
    values = {"yes": c.yes, "no": c.no, "abstain": c.abstain, "required": outcome.required}
    if outcome.matter is Matter.PROCEDURAL:
        text = _("%(yes)d-%(no)d-%(abstain)d (yes-no-abstain) on a procedural matter, %(required)d needed")
    else:
        text = _("%(yes)d-%(no)d-%(abstain)d (yes-no-abstain) on a substantive matter, %(required)d needed")
    return text % values


# unsc-sim power: who holds how much voting power, and what the votes so far leave open.


def _power_heading(report: PowerReport) -> str:
    """ "Voting power: substantive matter, 15 seats, 9 votes in favour required"."""
    matter = _("procedural matter") if report.matter is Matter.PROCEDURAL else _("substantive matter")
    seats = ngettext("%(count)d seat", "%(count)d seats", report.seats) % {"count": report.seats}
    required = ngettext("%(count)d vote in favour required", "%(count)d votes in favour required", report.required) % {
        "count": report.required
    }
    # Translators: the heading of `unsc-sim power`: "Voting power: substantive matter, 15 seats, 9 votes in favour required".
    return _("Voting power: %(matter)s, %(seats)s, %(required)s") % {
        "matter": matter,
        "seats": seats,
        "required": required,
    }


def _render_power(report: PowerReport, scenario: Scenario) -> str:
    members, chapter = scenario.members, scenario.chapter
    names = {m.code: m.name for m in members}
    sentences = (
        power_sentence(members, report.required, chapter, i18n.CURRENT),
        obliged_sentence(members, names, report.matter, chapter, i18n.CURRENT),
    )
    # Translators: column headings of `unsc-sim power` (Shapley-Shubik and Banzhaf are names of indices).
    heading = (_("Member"), _("Seat"), "Shapley-Shubik", "Banzhaf", _("Swings"))
    lines = [
        _power_heading(report),
        " ".join(s for s in sentences if s),
        "",
        f"{heading[0]:<28} {heading[1]:<9} {heading[2]:>22} {heading[3]:>18} {heading[4]:>10}",
    ]
    # Translators: the kinds of seat in the table of `unsc-sim power`: a party obliged to abstain, a permanent or an elected member.
    kinds = {"party": _("party"), "permanent": _("permanent"), "elected": _("elected")}
    for m in report.members:
        seat = kinds["party" if m.obliged_to_abstain else ("permanent" if m.permanent else "elected")]
        shapley = f"{m.shapley_shubik:.4f} ({m.shapley_shubik_exact})"
        lines.append(f"{m.name[:28]:<28} {seat:<9} {shapley:>22} {m.banzhaf:>18.4f} {m.swings:>10}")
    # Translators: labels of `unsc-sim power`: the path to adoption; what would have changed the outcome.
    lines += ["", _label(_("Path:"), path_sentence(report.path, names, i18n.CURRENT))]
    changes = [what_if_sentence(w, names, i18n.CURRENT) for w in report.what_ifs if w.changes]
    lines += [_label(_("What if:"), text) for text in changes]
    return "\n".join(lines)


def _power(args: argparse.Namespace) -> int:
    with i18n.using(args.lang):
        return _power_in_language(args)


def _power_in_language(args: argparse.Namespace) -> int:
    try:
        scenario = localized(load_file(Path(args.path)))  # its own text and members' names in the chosen language
    except InvalidScenario as invalid:
        print(invalid.describe(i18n.CURRENT), file=sys.stderr)
        return 1
    report = power_report(scenario)
    print(report.model_dump_json(indent=2) if args.json else _render_power(report, scenario))
    return 0


def _schema(_args: argparse.Namespace) -> int:
    print(json.dumps(scenario_json_schema(), indent=2, ensure_ascii=False))
    return 0


def _serve(args: argparse.Namespace) -> int:
    from app.serve import serve

    with i18n.using(args.lang):
        code: int = serve(args)
    return code


def _backup(args: argparse.Namespace) -> int:
    from app.backup import run

    with i18n.using(args.lang):
        return run(args)


def _add_language(command: argparse.ArgumentParser) -> None:
    """``--lang``: the language of what the command prints for people."""
    command.add_argument(
        "--lang",
        choices=i18n.LANGUAGES,
        default=environment_language(),
        help="the language of what it prints: ar, zh, en, fr, ru or es (default: the environment's, else en)",
    )


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
    _add_language(serve)
    serve.set_defaults(run=_serve)

    validate = commands.add_parser("validate", help="check scenario files; exit 1 if any is invalid")
    validate.add_argument("paths", nargs="+", metavar="PATH", help="scenario files, or folders of them")
    validate.add_argument("-q", "--quiet", action="store_true", help="print only the errors")
    _add_language(validate)
    validate.set_defaults(run=_validate)

    tally_cmd = commands.add_parser("tally", help="the outcome of the votes as written in a scenario file")
    tally_cmd.add_argument("path", metavar="PATH")
    tally_cmd.add_argument("--json", action="store_true", help="print the outcome as JSON")
    _add_language(tally_cmd)
    tally_cmd.set_defaults(run=_tally)

    power = commands.add_parser("power", help="voting power (Shapley-Shubik, Banzhaf) in a scenario's council")
    power.add_argument("path", metavar="PATH")
    power.add_argument("--json", action="store_true", help="print the indices as JSON")
    _add_language(power)
    power.set_defaults(run=_power)

    schema = commands.add_parser("schema", help="print the JSON Schema of scenario files")
    schema.set_defaults(run=_schema)

    backup = commands.add_parser(
        "backup", help="copy the session database to PATH, consistently, while the server runs (SQLite)"
    )
    backup.add_argument("path", metavar="PATH", help="the copy to write (an existing file is never overwritten)")
    backup.add_argument("--data", default=None, help="the server's data folder (default: ./data, or UNSC_SIM_DATA_DIR)")
    _add_language(backup)
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
