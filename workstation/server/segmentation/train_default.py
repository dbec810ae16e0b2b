"""Regenerate the shipped ability and willingness models from the demo generator's history.

The shipped models (``resources/segments/*.json``) are what every device and a backend
that has never run ``train-models`` use. They are fitted exactly as ``train-models``
fits (``training.train_from_history``: time split, scikit-learn logistic regression,
exported as coefficients) on a demo portfolio with a fixed seed and "now", so the files
are reproducible; the figures they were judged by are kept in their ``metrics``.

Run: ``python -m workstation.server.segmentation.train_default [--accounts N]``.
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Sequence
from datetime import UTC, datetime

from workstation.resources import resource_path
from workstation.segments.model import SegmentModel, default_models

AS_OF = datetime(2026, 3, 2, 9, 0, tzinfo=UTC)
SEED = 20261205
VERSION = "demo-2026.12"
HORIZON_DAYS = 30


def train_default(accounts: int = 20_000) -> list[SegmentModel]:
    from workstation.demo.generator import generate_portfolio
    from workstation.server.segmentation.training import train_from_history

    book = generate_portfolio(accounts, seed=SEED, as_of=AS_OF)
    results, _, _ = train_from_history(
        book, default_models(), horizon_days=HORIZON_DAYS, version=VERSION
    )
    out = []
    for model, *_ in results:
        metrics = dict(model.metrics)
        metrics.pop("promoted", None)
        metrics.pop("current", None)
        metrics.update(
            {
                "source": "workstation.demo.generator",
                "seed": SEED,
                "accounts": accounts,
                "as_of": AS_OF.isoformat(),
            }
        )
        out.append(
            SegmentModel(
                kind=model.kind,
                version=VERSION,
                intercept=model.intercept,
                features=model.features,
                metrics=metrics,
            )
        )
    return out


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m workstation.server.segmentation.train_default")
    parser.add_argument("--accounts", type=int, default=20_000)
    args = parser.parse_args(argv)
    for model in train_default(args.accounts):
        target = resource_path("segments", f"{model.kind}.json")
        model.dump(target)
        validation = model.metrics["validation"]
        print(
            f"wrote {target}: held-out AUC {validation['auc']:.3f}, "
            f"Brier {validation['brier']:.4f} on {validation['samples']} accounts"
        )
    return 0


if __name__ == "__main__":
    sys.exit(main())
