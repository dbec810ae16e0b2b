"""Run the benchmark suite: ``python -m tests.perf [--only SUBSTR] [--json FILE] [--quick]``.

The ``scale`` group (issue 19: a million-account PostgreSQL book) runs only when named:
``--only scale``."""

from __future__ import annotations

import argparse
import importlib
import json
import os
import sys
import tempfile
import traceback
from pathlib import Path

from tests.perf.harness import REGISTRY, Measurement


def _fmt(value: float, unit: str) -> str:
    if unit == "s":
        return f"{value * 1000:.1f} ms" if value < 10 else f"{value:.2f} s"
    return f"{value:,.1f} {unit}"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m tests.perf", description=__doc__)
    parser.add_argument("--only", help="run only benchmarks whose name contains this text")
    parser.add_argument("--json", type=Path, help="also write the figures to this JSON file")
    parser.add_argument(
        "--quick", action="store_true", help="smaller sizes (smoke run; figures not comparable)"
    )
    args = parser.parse_args(argv)
    if args.quick:
        os.environ["WORKSTATION_PERF_QUICK"] = "1"
    os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
    # seeding 200 users and their sign-in rush at argon2's production cost would measure
    # password hashing, not sync
    os.environ.setdefault("WORKSTATION_SERVER_PASSWORD_HASH", "fast")
    home = tempfile.mkdtemp(prefix="ws-perf-")
    os.environ["WORKSTATION_HOME"] = home  # never the real profile

    here = Path(__file__).parent
    for path in sorted(here.glob("bench_*.py")):
        importlib.import_module(f"tests.perf.{path.stem}")

    results: list[Measurement] = []
    failures = 0
    print(f"{'benchmark':<58} {'measured':>12} {'target':>12} {'ratio':>7}  ")
    for name, func in REGISTRY:
        if args.only and args.only not in name:
            continue
        # the scale group builds a million-account database: only when asked by name
        if name.startswith("scale") and not (args.only and "scale" in args.only):
            continue
        try:
            outcome = func()
        except Exception:
            failures += 1
            print(f"{name:<58} FAILED")
            traceback.print_exc()
            continue
        for m in outcome if isinstance(outcome, list) else [outcome]:
            results.append(m)
            target = _fmt(m.target, m.unit) if m.target else "-"
            ratio = f"{m.ratio:.2f}" if m.ratio is not None else "-"
            verdict = "" if m.met is None else ("ok" if m.met else "MISSED")
            print(
                f"{m.name:<58} {_fmt(m.measured, m.unit):>12} {target:>12} {ratio:>7}  {verdict}"
                + (f"  ({m.note})" if m.note else "")
            )
    if args.json:
        args.json.write_text(
            json.dumps(
                [
                    {
                        "name": m.name,
                        "measured": m.measured,
                        "target": m.target,
                        "unit": m.unit,
                        "ratio": m.ratio,
                        "met": m.met,
                        "note": m.note,
                    }
                    for m in results
                ],
                indent=2,
            )
        )
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
