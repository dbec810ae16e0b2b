"""The ``workstation-server`` commands that bring money and accounts in from the bank:
``import payments``, ``import returns`` (payments the bank took back), ``import placements``,
``recall`` and ``team-rule`` (how a team's new accounts are assigned).

Exit codes: 0 imported (or nothing new: the report says so), 2 the file was refused (every
bad line is listed on stderr, or in the JSON report with ``--json``) or cannot be read.
"""

from __future__ import annotations

import argparse
import json
import sys
from collections.abc import Callable
from datetime import date
from pathlib import Path
from typing import Any

from workstation.server.db import make_engine, make_sessionmaker, upgrade
from workstation.server.lifecycle.csvfile import FileRejected

AddDb = Callable[[argparse.ArgumentParser], argparse.ArgumentParser]
DbUrl = Callable[[argparse.Namespace], str]


def _day(text: str) -> date:
    try:
        return date.fromisoformat(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"{text!r} is not a date YYYY-MM-DD") from None


def _run(args: argparse.Namespace, db_url: DbUrl, work: Callable[[Any], Any]) -> int:
    """Open the database, run ``work(sessions)``, print its report or the refused lines."""
    path: Path = args.file
    if not path.is_file():
        print(f"{path}: no such file", file=sys.stderr)
        return 2
    url = db_url(args)
    upgrade(url)
    engine = make_engine(url, pool_size=2)
    try:
        report = work(make_sessionmaker(engine))
    except FileRejected as rejected:
        if args.json:
            print(
                json.dumps(
                    {
                        "file": path.name,
                        "imported": False,
                        "errors": [{"line": e.line, "message": e.message} for e in rejected.errors],
                    },
                    ensure_ascii=False,
                    indent=2,
                )
            )
        print(
            f"{path.name}: refused, nothing imported ({len(rejected.errors)} problem(s)):",
            file=sys.stderr,
        )
        for error in rejected.errors:
            print(f"  {error}", file=sys.stderr)
        return 2
    finally:
        engine.dispose()
    if args.json:
        print(json.dumps(report.as_dict(), ensure_ascii=False, indent=2))
    else:
        print("\n".join(report.summary()))
    return 0


def cmd_import_payments(args: argparse.Namespace, db_url: DbUrl) -> int:
    from workstation.server.lifecycle.payment_import import import_payments
    from workstation.server.settings import Settings

    settings = Settings.from_env()
    return _run(
        args,
        db_url,
        lambda sessions: import_payments(
            sessions, args.file, settings=settings, dry_run=args.dry_run, as_of=args.as_of
        ),
    )


def cmd_import_returns(args: argparse.Namespace, db_url: DbUrl) -> int:
    from workstation.server.lifecycle.returns import import_returns
    from workstation.server.settings import Settings

    settings = Settings.from_env()
    return _run(
        args,
        db_url,
        lambda sessions: import_returns(
            sessions, args.file, settings=settings, dry_run=args.dry_run, as_of=args.as_of
        ),
    )


def cmd_import_placements(args: argparse.Namespace, db_url: DbUrl) -> int:
    from workstation.lifecycle.assignment import AssignmentRule
    from workstation.server.lifecycle.placements import PlacementError, import_placements

    rule = AssignmentRule(args.assign) if args.assign else None
    try:
        return _run(
            args,
            db_url,
            lambda sessions: import_placements(
                sessions,
                args.file,
                team=args.team,
                rule=rule,
                dry_run=args.dry_run,
                as_of=args.as_of,
            ),
        )
    except PlacementError as exc:
        print(f"{args.file.name}: refused, nothing imported: {exc}", file=sys.stderr)
        return 2


def cmd_recall(args: argparse.Namespace, db_url: DbUrl) -> int:
    from workstation.server.lifecycle.recall import recall_file

    return _run(
        args,
        db_url,
        lambda sessions: recall_file(sessions, args.file, dry_run=args.dry_run, as_of=args.as_of),
    )


def cmd_team_rule(args: argparse.Namespace, db_url: DbUrl) -> int:
    from workstation.lifecycle.assignment import AssignmentRule
    from workstation.server.lifecycle.placements import PlacementError, set_team_rule

    url = db_url(args)
    upgrade(url)
    engine = make_engine(url, pool_size=1)
    try:
        with make_sessionmaker(engine).begin() as session:
            set_team_rule(session, args.team, AssignmentRule(args.rule))
    except PlacementError as exc:
        print(str(exc), file=sys.stderr)
        return 2
    finally:
        engine.dispose()
    print(f"team {args.team}: new accounts are assigned by {args.rule}")
    return 0


def register(sub: Any, with_db: AddDb, db_url: DbUrl) -> None:
    """Add ``import payments|placements`` and ``recall`` to the server's command line."""
    imports = sub.add_parser("import", help="bring a bank file in (payments, returns, placements)")
    kinds = imports.add_subparsers(dest="kind", required=True)

    def common(parser: argparse.ArgumentParser) -> argparse.ArgumentParser:
        with_db(parser)
        parser.add_argument("file", type=Path, help="the CSV file (UTF-8, header row)")
        parser.add_argument(
            "--dry-run", action="store_true", help="validate and report; write nothing"
        )
        parser.add_argument("--json", action="store_true", help="print the report as JSON")
        parser.add_argument(
            "--as-of",
            type=_day,
            default=None,
            help="the business day the file is imported on (default: today, UTC)",
        )
        return parser

    payments = common(
        kinds.add_parser(
            "payments",
            help="confirmed payments: payment_ref,account_ref,amount,currency,paid_on[,method]",
        )
    )
    payments.set_defaults(func=lambda args: cmd_import_payments(args, db_url))
    returns = common(
        kinds.add_parser(
            "returns",
            help="payments the bank took back: payment_ref,returned_on,reason",
        )
    )
    returns.set_defaults(func=lambda args: cmd_import_returns(args, db_url))
    placements = common(
        kinds.add_parser(
            "placements",
            help="the bank's accounts: account_ref,customer_ref,name,… (upsert by the refs)",
        )
    )
    placements.add_argument("--team", help="the team new accounts go to (by name)")
    placements.add_argument(
        "--assign",
        choices=["count", "balance", "lead"],
        help="how new accounts get an agent: evenly by count or balance (field accounts "
        "to the field collector of their town, the rest to the desk), or left for the lead "
        "(default: the team's rule, see team-rule)",
    )
    placements.set_defaults(func=lambda args: cmd_import_placements(args, db_url))

    recall = common(
        sub.add_parser(
            "recall",
            help="accounts the bank takes back (account_ref[,reason]): closed, out of every "
            "queue, history kept",
        )
    )
    recall.set_defaults(func=lambda args: cmd_recall(args, db_url))

    rule = with_db(
        sub.add_parser("team-rule", help="how a team's newly placed accounts are assigned")
    )
    rule.add_argument("team", help="team name")
    rule.add_argument("rule", choices=["count", "balance", "lead"])
    rule.set_defaults(func=lambda args: cmd_team_rule(args, db_url))
