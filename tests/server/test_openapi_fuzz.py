"""Fuzz every operation from the served OpenAPI schema (schemathesis) against the real server.

Each operation is driven as the role that may use it (so the requests reach the handlers,
not just the 403 gate) plus as an agent; checks: no 5xx, documented status codes, responses
that match their schema and content type. Bounded: a few examples per operation.
"""

from __future__ import annotations

import os
from typing import Any

import pytest
import schemathesis
from hypothesis import HealthCheck, given, settings
from schemathesis import checks

from tests.server.conftest import Backend

EXAMPLES = int(os.environ.get("WORKSTATION_FUZZ_EXAMPLES", "5"))
CHECKS = [
    checks.not_a_server_error,
    checks.status_code_conformance,
    checks.content_type_conformance,
    checks.response_schema_conformance,
]


def _role_for(path: str) -> str:
    if path.startswith("/api/v1/admin"):
        return "admin"
    if path.startswith(("/api/v1/team", "/api/v1/review")):
        return "zhao.min"
    return "li.na"


def _runner(operation: Any, base: str, headers: dict[str, str]) -> Any:
    @settings(
        max_examples=EXAMPLES,
        deadline=None,
        database=None,
        suppress_health_check=list(HealthCheck),
        derandomize=True,
    )
    @given(case=operation.as_strategy())
    def run(case: Any) -> None:
        case.call_and_validate(base_url=base, headers=headers, checks=CHECKS, timeout=30)

    return run


def test_no_server_error_and_no_schema_breach(backend: Backend) -> None:
    schema = schemathesis.openapi.from_url(backend.base + "/openapi.json")
    failures: list[str] = []
    operations = [result.ok() for result in schema.get_all_operations()]
    assert len(operations) >= 25
    tokens: dict[str, str] = {}
    for operation in operations:
        for username in dict.fromkeys([_role_for(operation.path), "li.na"]):
            # fuzzing logout ends the session: that operation gets a device of its own
            fresh = operation.path == "/api/v1/auth/logout"
            if fresh or username not in tokens:
                token = backend.login(username).tokens["access_token"]
                if not fresh:
                    tokens[username] = token
            else:
                token = tokens[username]
            run = _runner(operation, backend.base, {"Authorization": f"Bearer {token}"})
            try:
                run()
            except Exception as exc:  # collect all, report together
                failures.append(
                    f"{operation.method.upper()} {operation.path} as {username}: {str(exc)[:1500]}"
                )
    assert not failures, "\n\n".join(failures)


@pytest.mark.parametrize("path", ["/openapi.json", "/api/v1/health"])
def test_schema_and_health_are_public(backend: Backend, path: str) -> None:
    import requests

    response = requests.get(backend.base + path, timeout=30)
    assert response.status_code == 200
