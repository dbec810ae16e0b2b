"""``workstation-server`` commands for personal data: retention, export-customer, legal-hold."""

from __future__ import annotations

import argparse
import getpass
import json
import sys
from collections.abc import Callable
from datetime import date
from pathlib import Path

WithDb = Callable[[argparse.ArgumentParser], argparse.ArgumentParser]


def _sessions(args: argparse.Namespace) -> tuple[object, object]:
    from workstation.server.db import make_engine, make_sessionmaker, upgrade
    from workstation.server.settings import cli_db_url

    url = cli_db_url(args.db)
    upgrade(url)
    engine = make_engine(url, pool_size=2)
    return engine, make_sessionmaker(engine)


def _operator() -> str:
    """Who ran the command, for the audit log (the OS account)."""
    try:
        return f"cli:{getpass.getuser()}"
    except Exception:  # no user name (a container without one): still say it was the CLI
        return "cli"


def cmd_retention(args: argparse.Namespace) -> int:
    from workstation.server.privacy.retention import apply_retention

    try:
        as_of = date.fromisoformat(args.as_of) if args.as_of else date.today()
    except ValueError:
        print(f"--as-of must be a date YYYY-MM-DD, not {args.as_of!r}", file=sys.stderr)
        return 2
    engine, sessions = _sessions(args)
    try:
        report = apply_retention(sessions, as_of, dry_run=args.dry_run, by=_operator())  # type: ignore[arg-type]
    finally:
        engine.dispose()  # type: ignore[attr-defined]
    if args.json:
        print(json.dumps(report.as_dict(), ensure_ascii=False, indent=1))
        return 1 if report.failed else 0
    verb = "would anonymise" if args.dry_run else "anonymised"
    print(f"retention as of {as_of}: {verb} {len(report.anonymised)} customers; "
          f"{len(report.held)} under a legal hold")  # fmt: skip
    for case in report.anonymised:
        rule = f"{case.jurisdiction}, {case.years} years after {case.last_activity}"
        accounts = ", ".join(case.accounts)
        print(f"  {verb} {case.customer_id} ({rule}, due {case.due}; accounts {accounts})")
    for case in report.held:
        print(f"  kept     {case.customer_id}: legal hold ({case.held})")
    for customer_id, reason in report.failed.items():
        print(f"  FAILED   {customer_id}: {reason}", file=sys.stderr)
    if not args.dry_run:
        print(f"  {report.documents_removed} documents removed")
    return 1 if report.failed else 0


def cmd_export_customer(args: argparse.Namespace) -> int:
    from workstation.server.privacy.export import ExportError, export_customer

    engine, sessions = _sessions(args)
    try:
        report = export_customer(sessions, args.ref, Path(args.out), by=_operator())  # type: ignore[arg-type]
    except ExportError as exc:
        print(str(exc), file=sys.stderr)
        return 2
    finally:
        engine.dispose()  # type: ignore[attr-defined]
    print(
        f"exported customer {report.customer_id} to {report.folder}: {report.accounts} accounts, "
        f"{report.events} events, {report.documents} documents, summary.pdf "
        f"(data.json SHA-256 {report.data_sha256}); the export is in the audit log"
    )
    return 0


def cmd_legal_hold(args: argparse.Namespace) -> int:
    from workstation.server.privacy.export import ExportError, resolve
    from workstation.server.privacy.retention import release_legal_holds, set_legal_hold

    if not args.release and not args.reason:
        print("give --reason (why the records must be kept) or --release", file=sys.stderr)
        return 2
    engine, sessions = _sessions(args)
    try:
        with sessions.begin() as session:  # type: ignore[attr-defined]
            customer_id = resolve(session, args.ref)
            if args.release:
                count = release_legal_holds(session, customer_id, _operator())
                print(f"released {count} legal hold(s) on customer {customer_id}")
            else:
                set_legal_hold(session, customer_id, args.reason, _operator())
                print(
                    f"customer {customer_id} is under a legal hold: retention keeps their records"
                )
    except ExportError as exc:
        print(str(exc), file=sys.stderr)
        return 2
    finally:
        engine.dispose()  # type: ignore[attr-defined]
    return 0


def add_commands(sub: argparse._SubParsersAction[argparse.ArgumentParser], with_db: WithDb) -> None:
    retention = with_db(
        sub.add_parser(
            "retention",
            help="anonymise customers whose records are past the rule pack's retention",
        )
    )
    retention.add_argument("--as-of", help="the day to decide for (default: today)")
    retention.add_argument("--dry-run", action="store_true", help="only list what it would do")
    retention.add_argument("--json", action="store_true")
    retention.set_defaults(func=cmd_retention)

    export = with_db(
        sub.add_parser(
            "export-customer",
            help="write everything held about a customer (data-subject access request)",
        )
    )
    export.add_argument("ref", help="the customer's id, or one of their account ids")
    export.add_argument("--out", required=True, help="a new (or empty) folder")
    export.set_defaults(func=cmd_export_customer)

    hold = with_db(
        sub.add_parser("legal-hold", help="keep a customer's records whatever the retention")
    )
    hold.add_argument("ref", help="the customer's id, or one of their account ids")
    hold.add_argument("--reason", help="why (litigation, a regulator's request …)")
    hold.add_argument("--release", action="store_true", help="release the customer's holds")
    hold.set_defaults(func=cmd_legal_hold)
