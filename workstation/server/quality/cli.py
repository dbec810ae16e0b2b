"""``workstation-server qa-sample [--as-of DAY] [--json]``: the weekly QA sample by hand (``serve``
runs it at each maintenance check)."""

from __future__ import annotations

import argparse
import json
import sys
from collections.abc import Callable
from datetime import UTC, date, datetime

from workstation.server.db import make_engine, make_sessionmaker, upgrade


def cmd_qa_sample(args: argparse.Namespace, url: str) -> int:
    from workstation.server.quality.sampling import run_weekly_sampling

    if args.as_of:
        try:
            as_of = date.fromisoformat(args.as_of)
        except ValueError:
            print(f"--as-of must be a date YYYY-MM-DD, not {args.as_of!r}", file=sys.stderr)
            return 2
    else:
        as_of = datetime.now(UTC).date()
    upgrade(url)
    engine = make_engine(url, pool_size=2)
    try:
        report = run_weekly_sampling(make_sessionmaker(engine), as_of)
    finally:
        engine.dispose()
    if args.json:
        print(json.dumps(report.as_dict(), indent=2))
    elif not report.weeks and not report.busy:
        print("every whole week up to then was sampled already: nothing to do")
    else:
        for week, taken in report.weeks.items():
            print(f"week of {week}: {taken} conversations sampled for review")
        if report.busy:
            print("another process is sampling; it will do the rest")
    return 3 if report.busy else 0


def add_parser(
    sub: argparse._SubParsersAction,  # type: ignore[type-arg]
    with_db: Callable[[argparse.ArgumentParser], argparse.ArgumentParser],
    db_of: Callable[[argparse.Namespace], str],
) -> None:
    parser = with_db(
        sub.add_parser(
            "qa-sample",
            help="pick the week's conversations for quality review (each whole week once)",
        )
    )
    parser.add_argument(
        "--as-of", help="sample the whole weeks that ended by this day, YYYY-MM-DD (default today)"
    )
    parser.add_argument("--json", action="store_true", help="print the report as JSON")
    parser.set_defaults(func=lambda args: cmd_qa_sample(args, db_of(args)))
