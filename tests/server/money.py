"""Helpers for tests that bring the bank's money in: write a payment file, run the real
``workstation-server import payments`` command against a test backend's database."""

from __future__ import annotations

import json
import uuid
from collections.abc import Sequence
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any

import pytest

from workstation.domain.model import new_id
from workstation.server.cli import main

HEADER = "payment_ref,account_ref,amount,currency,paid_on,method"


def event_body(account: dict[str, Any], kind: str, payload: dict[str, Any]) -> dict[str, Any]:
    """An ``event.create`` payload on ``account``, happening now."""
    return {
        "id": new_id(),
        "type": kind,
        "account_id": account["id"],
        "occurred_at": datetime.now(UTC).isoformat(),
        "payload": payload,
    }


def payment_file(directory: Path, rows: Sequence[Sequence[str]], header: str = HEADER) -> Path:
    """A CSV file with ``header`` and ``rows`` (each a sequence of field texts)."""
    path = directory / f"payments-{uuid.uuid4().hex[:8]}.csv"
    lines = [header, *(",".join(row) for row in rows)]
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


def import_payments(
    url: str,
    path: Path,
    capsys: pytest.CaptureFixture[str],
    *,
    as_of: date | None = None,
    dry_run: bool = False,
    kind: str = "payments",
) -> tuple[int, dict[str, Any], str]:
    """Run ``import <kind>`` (payments, returns) with ``--json``; return (exit code, the
    JSON report, stderr)."""
    argv = ["import", kind, str(path), "--db", url, "--json"]
    if as_of is not None:
        argv += ["--as-of", as_of.isoformat()]
    if dry_run:
        argv.append("--dry-run")
    capsys.readouterr()
    code = main(argv)
    captured = capsys.readouterr()
    return code, json.loads(captured.out) if captured.out.strip() else {}, captured.err


def pay(  # noqa: PLR0917 - reads as a sentence in the tests
    url: str,
    directory: Path,
    capsys: pytest.CaptureFixture[str],
    account: dict[str, Any],
    amount: str,
    paid_on: date,
    *,
    ref: str | None = None,
) -> dict[str, Any]:
    """Import one confirmed payment of ``amount`` on ``account`` (a wire account dict)."""
    ref = ref or f"T-{uuid.uuid4().hex[:12]}"
    path = payment_file(
        directory,
        [[ref, account["account_ref"], amount, account["currency"], paid_on.isoformat(), "bank"]],
    )
    code, report, err = import_payments(url, path, capsys, as_of=paid_on)
    assert code == 0, err
    return report
