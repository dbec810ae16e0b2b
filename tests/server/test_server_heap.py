"""The served process sets its startup heap aside from the cycle collector (``gc.freeze``):
a full collection of it took ~130 ms, a request's stall whenever one ran. An embedded
backend shares its process with the desktop or the tests and leaves the collector alone."""

from __future__ import annotations

import gc
import json
import os
import subprocess
import sys
from pathlib import Path

from tests.server.conftest import Backend
from workstation.server.db import upgrade
from workstation.server.maintenance import PRUNE_INTERVAL_ENV

_REPORT = """
import gc, json
from workstation.server.app import app_from_env
app = app_from_env()
print(json.dumps({"frozen": gc.get_freeze_count(), "tracked": len(gc.get_objects()),
                  "enabled": gc.isenabled()}))
"""


def test_the_served_process_sets_its_startup_heap_aside(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'server.db'}"
    upgrade(url)
    env = {**os.environ, "WORKSTATION_SERVER_DB": url, PRUNE_INTERVAL_ENV: "0"}
    done = subprocess.run(
        [sys.executable, "-c", _REPORT],
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
        check=True,
    )
    report = json.loads(done.stdout.strip().splitlines()[-1])
    # the app, its routes and models, SQLAlchemy's mappers: hundreds of thousands of objects
    assert report["frozen"] > 50_000
    # what a full collection still walks at the first request: next to nothing
    assert report["tracked"] < 1_000
    assert report["enabled"], "the collector still runs for what requests leave behind"


def test_an_embedded_backend_leaves_the_collector_alone(backend: Backend) -> None:
    # the backend fixture built the same app in this process (``create_app``)
    assert backend.url
    assert gc.get_freeze_count() == 0
    assert gc.isenabled()
