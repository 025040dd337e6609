"""``paalwerk commission``: a commissioning checklist without a window.

For end-of-line testing and scripts: the same checklist as the wizard, the automatic
steps run, confirmations and values come from an answers file (or are left "not
confirmed"). One line per step as it ends, a summary, the record (and, where this build
has the report module, the signed PDF and JSON) in ``--out``. An interrupted run (Ctrl-C,
a lost link) is kept in the local store and the same command resumes it at the step
that has no result yet (``--new`` starts over).

Exit status: 0 no required step failed; 1 a required step failed; 2 usage, checklist,
answers or link problems (the run, if started, is kept and resumes); 130 interrupted.
"""

from __future__ import annotations

import argparse
import asyncio
import getpass
import os
import shutil
import sys
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any, TextIO

from paalwerk.commission_lines import ENGLISH, LINES, CommandLines
from pole_link.commissioning.checklist import DEFAULT_CHECKLIST, ChecklistError, find_checklist
from pole_link.commissioning.pdf import LABELS
from pole_link.commissioning.record import Outcome, RunRecord, StepResult
from pole_link.commissioning.report import sign_finished_run
from pole_link.commissioning.store import RECORD_FILE, RunStore
from pole_link.errors import ConnectError, PoleLinkError

if TYPE_CHECKING:
    from pole_link.commissioning.checklist import Checklist
    from pole_link.service_api import ServiceClient, ServiceEndpoint
    from pole_link.transports.base import PoleLink

PROG = "paalwerk commission"
EXIT_PASSED, EXIT_FAILED, EXIT_PROBLEM, EXIT_INTERRUPTED = 0, 1, 2, 130
TOKEN_ENV = "PAALWERK_TOKEN"
TECHNICIAN_ENV = "PAALWERK_TECHNICIAN"



def build_parser(prog: str = PROG) -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog=prog, description="Run a commissioning checklist on a pole without a window: "
                               "automatic steps run, the others take their answers from a "
                               "file. Run it again to resume an interrupted run.")
    where = parser.add_mutually_exclusive_group(required=True)
    where.add_argument("--serial", metavar="PATH", help="the pole's service port")
    where.add_argument("--ble", metavar="ADDRESS", help="the pole's BLE address")
    where.add_argument("--service", metavar="URL",
                       help="reach the pole through a running service (token: "
                            "$PAALWERK_SERVICE_TOKEN)")
    parser.add_argument("--pole", required=True, metavar="ID", help="the pole to commission")
    parser.add_argument("--checklist", default=DEFAULT_CHECKLIST, metavar="NAME",
                        help=f"a checklist name or file (default {DEFAULT_CHECKLIST})")
    parser.add_argument("--answers", metavar="FILE",
                        help="YAML/JSON: step id → value / true / file / {skip: reason}")
    parser.add_argument("--out", metavar="DIR",
                        help="write the record (and report) here, besides the local store")
    parser.add_argument("--technician", metavar="NAME",
                        help=f"who commissions (default ${TECHNICIAN_ENV}, else the login)")
    parser.add_argument("--token", metavar="T",
                        help=f"service token (default ${TOKEN_ENV}, else the one in this "
                             "laptop's token wallet that fits the pole; the commissioning "
                             "PIN on a factory-fresh pole)")
    parser.add_argument("--store", metavar="DIR",
                        help="the local run store (default: the user data folder)")
    parser.add_argument("--key-dir", metavar="DIR",
                        help="where the technician's signing key is kept when the system "
                             "has no keyring")
    parser.add_argument("--language", choices=sorted(LABELS), default="en",
                        help="the language of the report and of these lines (nl: for a "
                             "Dutch grantor or technician; default en); step ids and item "
                             "names in --answers stay as in the file")
    parser.add_argument("--new", action="store_true",
                        help="start a new run even if an unfinished one exists")
    return parser


@dataclass(frozen=True)
class Outputs:
    """What `write_outputs` wrote."""

    record_path: Path
    json_path: Path | None = None
    pdf_path: Path | None = None
    note: str = ""
    """Where the technician's signing key is kept, when the technician should know."""


def write_outputs(record: RunRecord, store: RunStore, out: Path | None, *,
                  key_dir: Path | None = None, language: str = "en") -> Outputs:
    """The finished run's files: ``record.json`` (always) and the signed report —
    ``pole_link.commissioning.report.sign_finished_run``, as the app signs — into ``out``
    (attachments copied along) or the run's own folder in the store."""
    folder = store.folder(record.run_id)
    if out is not None:
        out.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(folder / RECORD_FILE, out / RECORD_FILE)
        for step in record.steps:
            for attachment in step.attachments:
                target = out / attachment.path
                target.parent.mkdir(parents=True, exist_ok=True)
                shutil.copyfile(folder / attachment.path, target)
        folder = out
    signed = sign_finished_run(record, folder, key_dir=key_dir, labels=LABELS[language])
    return Outputs(folder / RECORD_FILE, signed.files.json_path, signed.files.pdf_path,
                   signed.key_note)


def step_line(result: StepResult, earlier: bool = False, lines: CommandLines = ENGLISH,
              checklist: Checklist | None = None) -> str:
    """``outcome  step-id  title — why``; the title from ``checklist`` (in the wanted
    language) when it has the step, else as recorded."""
    title = result.title
    if checklist is not None and any(s.id == result.step_id for s in checklist.steps):
        title = checklist.step(result.step_id).title
    text = f"{lines.outcomes[result.outcome]:<14} {result.step_id:<18} {title}"
    why = result.skip_reason if result.outcome is Outcome.SKIPPED else \
        result.shown_message(lines.words)
    if why and result.outcome is not Outcome.PASSED:
        text += f" — {why}"
    return text + (lines.earlier if earlier else "")


def summary(record: RunRecord, lines: CommandLines = ENGLISH) -> str:
    counts = {outcome: 0 for outcome in Outcome}
    for step in record.steps:
        counts[step.outcome] += 1
    tally = ", ".join(f"{n} {lines.outcomes[o].lower()}" for o, n in counts.items() if n)
    failed = [s.step_id for s in record.steps if s.required and s.outcome is Outcome.FAILED]
    not_passed = lines.not_passed_many if len(failed) > 1 else lines.not_passed_one
    verdict = lines.passed if record.passed else not_passed.format(steps=", ".join(failed))
    return lines.summary.format(pole=record.pole.pole_id, verdict=verdict, tally=tally,
                                checklist=record.checklist,
                                version=record.checklist_version, run=record.run_id)


def _open_link(args: argparse.Namespace, endpoint: ServiceEndpoint | None) -> PoleLink:
    if args.serial:
        from pole_link.transports.serial import SerialLink

        return SerialLink(args.serial)
    if args.ble:
        from pole_link.transports.ble import BleLink

        return BleLink(args.ble)
    from pole_link.transports.csms import CsmsLink

    return CsmsLink(args.pole, endpoint)


def _endpoint(args: argparse.Namespace) -> ServiceEndpoint | None:
    from pole_link.service_api import ServiceEndpoint

    if args.service:
        token = os.environ.get("PAALWERK_SERVICE_TOKEN")
        if not token:
            raise ConnectError("--service needs an operator token in $PAALWERK_SERVICE_TOKEN")
        return ServiceEndpoint(args.service, token)
    return ServiceEndpoint.from_env()


async def commission(args: argparse.Namespace, checklist: Checklist, answers: dict[str, Any],
                     out: TextIO, err: TextIO, clock: Callable[[], datetime]) -> int:
    from pole_link.commissioning.answers import run_with_answers
    from pole_link.commissioning.runner import CommissioningRun
    from pole_link.commissioning.words import shown
    from pole_link.service_api import ServiceClient
    from pole_link.session import PoleSession
    from pole_link.site_access import open_for_writing
    from pole_link.token_wallet import TokenWallet

    lines = LINES[args.language]
    shown_checklist = checklist.in_language(args.language)
    store = RunStore(args.store)
    endpoint = _endpoint(args)
    session = PoleSession(_open_link(args, endpoint))
    service: ServiceClient | None = ServiceClient(endpoint) if endpoint is not None else None
    try:
        identity = await session.open()
        access = await open_for_writing(session, identity.pole_id, TokenWallet(),
                                        token=args.token or os.environ.get(TOKEN_ENV),
                                        via_service=endpoint is not None)
        if not access.writable:
            print(lines.token_refused.format(pole=identity.pole_id, reason=access.reason),
                  file=err)
            return EXIT_PROBLEM
        earlier = [] if args.new else [
            r for r in store.unfinished(args.pole)
            if (r.checklist, r.checklist_version) == (checklist.name, checklist.version)]
        if earlier:
            run = CommissioningRun.resume(checklist, session, store, earlier[0].run_id,
                                          clock=clock, service=service)
            step = run.current
            print(lines.resuming.format(run=run.record.run_id,
                                        step=step.id if step else lines.its_end), file=err)
            for result in run.record.steps:
                print(step_line(result, True, lines, shown_checklist), file=out, flush=True)
        else:
            technician = args.technician or os.environ.get(TECHNICIAN_ENV) or getpass.getuser()
            run = CommissioningRun.begin(checklist, session, store, technician=technician,
                                         link="service" if args.service else
                                         "ble" if args.ble else "serial",
                                         pole_id=args.pole, clock=clock, service=service)
        run.subscribe(lambda event: print(
            shown(event.words, lines.words) if event.words else event.text,
            file=err, flush=True) if event.kind == "message" else None)
        base = Path(args.answers).parent if args.answers else None
        record = await run_with_answers(
            run, answers, base=base,
            on_result=lambda result: print(step_line(result, False, lines, shown_checklist),
                                           file=out, flush=True))
    finally:
        await session.close()
        if service is not None:
            await service.aclose()
    print(summary(record, lines), file=out)
    written = write_outputs(record, store, Path(args.out) if args.out else None,
                            key_dir=Path(args.key_dir) if args.key_dir else None,
                            language=args.language)
    for label, path in (("record", written.record_path), ("report", written.pdf_path),
                        ("signed report", written.json_path)):
        if path is not None:
            print(f"{lines.files[label]}: {path}", file=out)
    if written.note:
        print(written.note, file=err)
    return EXIT_PASSED if record.passed else EXIT_FAILED


def main(argv: Sequence[str] | None = None, *, out: TextIO | None = None,
         err: TextIO | None = None, clock: Callable[[], datetime] | None = None) -> int:
    from pole_link.commissioning.answers import AnswersError, load_answers
    from pole_link.commissioning.runner import system_clock

    out = out or sys.stdout
    err = err or sys.stderr
    parser = build_parser()
    try:
        args = parser.parse_args(argv)
    except SystemExit as exit_:
        return EXIT_PROBLEM if exit_.code else EXIT_PASSED
    try:
        checklist = find_checklist(args.checklist)
        answers = load_answers(args.answers) if args.answers else {}
    except (ChecklistError, AnswersError) as exc:
        print(f"{PROG}: {exc}", file=err)
        return EXIT_PROBLEM
    unknown = sorted(set(answers) - {s.id for s in checklist.steps})
    if unknown:
        print(f"{PROG}: {args.answers}: no step {unknown[0]!r} in checklist "
              f"{checklist.name}", file=err)
        return EXIT_PROBLEM
    lines = LINES[args.language]
    try:
        return asyncio.run(commission(args, checklist, answers, out, err,
                                      clock or system_clock))
    except KeyboardInterrupt:
        print(f"\n{lines.interrupted}", file=err)
        return EXIT_INTERRUPTED
    except ChecklistError as exc:
        print(f"{PROG}: {exc}", file=err)
        return EXIT_PROBLEM
    except ConnectError as exc:
        print(f"{PROG}: {lines.cannot_reach.format(error=exc)}", file=err)
        return EXIT_PROBLEM
    except PoleLinkError as exc:
        print(f"{PROG}: {exc}\n{lines.kept}", file=err)
        return EXIT_PROBLEM
