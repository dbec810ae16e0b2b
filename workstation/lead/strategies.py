"""The lead's strategies: segments and their champions, experiments, results, decisions.

A thin client over ``/api/v1/strategies`` (``server.strategy.router``); what it returns is
the server's plain data (dicts of strings and numbers), which the console's Strategies tab
shows as tables and an interval chart.
"""

from __future__ import annotations

import uuid
from datetime import date
from typing import Any

from workstation.errors import WorkstationError
from workstation.sync.errors import ServerError
from workstation.text import Text


class StrategyRefused(WorkstationError):
    summary = Text("The strategy change was refused", "策略操作被拒绝")

    def __init__(self, error: ServerError) -> None:
        body = error.body
        super().__init__(Text(str(body.get("message") or error), ""))
        self.status = error.status


class StrategiesClient:
    def __init__(self, api: Any) -> None:
        self.api = api

    def overview(self) -> dict[str, Any]:
        return dict(self.api.call("GET", "/api/v1/strategies"))

    def results(self, experiment_id: str, as_of: date | None = None) -> dict[str, Any]:
        params = {"as_of": as_of.isoformat()} if as_of else None
        return dict(
            self.api.call(
                "GET", f"/api/v1/strategies/experiments/{experiment_id}/results", params=params
            )
        )

    def decide(self, experiment_id: str, *, promote: bool, note: str = "") -> dict[str, Any]:
        """Promote the challenger to champion, or stop the experiment (both audited)."""
        action = "promote" if promote else "stop"
        try:
            return dict(
                self.api.call(
                    "POST",
                    f"/api/v1/strategies/experiments/{experiment_id}/{action}",
                    body={"note": note},
                    idempotency_key=f"lead-experiment-{action}-{uuid.uuid4().hex}",
                )
            )
        except ServerError as exc:
            if exc.status in (403, 409, 422):
                raise StrategyRefused(exc) from exc
            raise
