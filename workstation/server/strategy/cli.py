"""``workstation-server simulate``: try a strategy on the demo book before using it.

The simulation runs in a database of its own (a temporary SQLite file unless ``--db`` names
an empty one): it seeds the demo book, never touches the server's data, and prints the
experiment's results (``--json`` for all of them)."""

from __future__ import annotations

import argparse
import json
import sys
import tempfile
from datetime import date
from pathlib import Path
from typing import Any

from workstation.strategy.model import SEGMENTS, StrategyError, default_book


def cmd_simulate(args: argparse.Namespace) -> int:
    from workstation.server.strategy.simulate import simulate

    try:
        book = default_book()
        book.get(args.experiment)
    except StrategyError as exc:
        print(str(exc), file=sys.stderr)
        return 2
    with tempfile.TemporaryDirectory(prefix="ws-simulate-") as folder:
        url = args.db or f"sqlite:///{Path(folder) / 'simulation.db'}"
        report = simulate(
            url, days=args.days, challenger_id=args.experiment, segment=args.segment,
            share=args.share, accounts=args.accounts, seed=args.seed, start=args.start,
            uplift=args.uplift, complaint_scale=args.complaint_scale,
        )  # fmt: skip
    if args.json:
        print(json.dumps(report.as_dict(), ensure_ascii=False, indent=2))
        return 0
    to_date = report.results["to_date"]
    print(f"{report.days} days from {report.start} over {report.accounts:,} demo accounts "
          f"({report.seconds:.0f} s): {report.payments:,} payments, "
          f"{report.messages_delivered:,} messages delivered, "
          f"{report.complaints:,} complaints")  # fmt: skip
    contacts = report.contacts
    print(f"strategy contacts: champion {contacts.get('champion', 0):,}, "
          f"challenger {contacts.get('challenger', 0):,}")  # fmt: skip
    print(f"arms: {to_date['accounts']}; recovery: {to_date['verdict_en']}"
          + ("; COMPLAINTS FLAGGED" if to_date["complaints_flagged"] else ""))  # fmt: skip
    for metric in to_date["metrics"]:
        d = metric["difference"]
        span = (
            "—" if d["value"] is None else f"{d['value']:+.2f} [{d['low']:+.2f}, {d['high']:+.2f}]"
        )
        print(f"  {metric['label_en']:<32} {span:<32} {metric['verdict_en']}")
        for currency, own in metric.get("by_currency", {}).items():
            d = own["difference"]
            span = (
                "—"
                if d["value"] is None
                else (f"{d['value']:+.2f} [{d['low']:+.2f}, {d['high']:+.2f}]")
            )
            print(f"    {currency:<30} {span:<32} {own['verdict'].replace('_', ' ')}")
    return 0


def register(sub: Any) -> None:
    parser = sub.add_parser(
        "simulate", help="play the demo book forward with a challenger strategy (own database)"
    )
    parser.add_argument("--days", type=int, default=90)
    parser.add_argument("--experiment", required=True, help="the challenger strategy's id")
    parser.add_argument("--segment", choices=SEGMENTS, default=SEGMENTS[0])
    parser.add_argument("--share", type=float, default=0.5, help="the challenger's share")
    parser.add_argument("--accounts", type=int, default=2000)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--start", type=date.fromisoformat, default=date(2030, 1, 7))
    parser.add_argument(
        "--uplift", type=float, default=1.0,
        help="multiply the effect of the challenger's contacts on paying (a known effect)",
    )  # fmt: skip
    parser.add_argument(
        "--complaint-scale", type=float, default=1.0,
        help="multiply every contact's chance of a complaint (both arms)",
    )  # fmt: skip
    parser.add_argument("--db", help="an empty database to simulate in (default: a temp file)")
    parser.add_argument("--json", action="store_true")
    parser.set_defaults(func=cmd_simulate)
