"""The segmentation room's command line: ``segment-cutoffs`` (``cutoffs``)."""

from __future__ import annotations

import argparse
import sys
from collections.abc import Callable
from typing import Any

from workstation.segments.model import SegmentModelError


def cmd_segment_cutoffs(
    args: argparse.Namespace, db_url: Callable[[argparse.Namespace], str]
) -> int:
    from workstation.server.db import make_engine, make_sessionmaker, upgrade
    from workstation.server.segmentation.cutoffs import set_cutoffs

    url = db_url(args)
    upgrade(url)
    engine = make_engine(url, pool_size=2)
    try:
        report = set_cutoffs(
            make_sessionmaker(engine),
            ability=args.ability,
            willingness=args.willingness,
            by=args.by,
        )
    except SegmentModelError as exc:
        print(f"segment-cutoffs: {exc}", file=sys.stderr)
        return 2
    finally:
        engine.dispose()
    for change in report.changes:
        moved = "unchanged" if change.before == change.after else f"was {change.before}"
        print(f"{change.kind}: cut at {change.after} bp ({moved}); model {change.version}")
    if report.rescore is not None:
        r = report.rescore
        print(f"rescored {r.scored} open accounts: {r.changed} changed in {r.seconds:.1f} s")
    return 0


def register(
    sub: Any,
    with_db: Callable[[argparse.ArgumentParser], argparse.ArgumentParser],
    db_url: Callable[[argparse.Namespace], str],
) -> None:
    parser = with_db(
        sub.add_parser(
            "segment-cutoffs",
            help="move where the 2x2 cuts ability and willingness (basis points), and rescore",
        )
    )
    parser.add_argument("--ability", type=int, help="able at and above this score (1-9999)")
    parser.add_argument("--willingness", type=int, help="willing at and above this score (1-9999)")
    parser.add_argument("--by", default="operator", help="who moved it, for the audit log")
    parser.set_defaults(func=lambda args: cmd_segment_cutoffs(args, db_url))
