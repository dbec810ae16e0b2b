"""``workstation --self-test`` run as the user runs it: a subprocess, exit code and report."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from ui.selftest import RESOURCE_KINDS

ROOT = Path(__file__).resolve().parents[2]


def _run(args: list[str], home: Path, code: str | None = None) -> subprocess.CompletedProcess:
    env = dict(os.environ, WORKSTATION_HOME=str(home))
    command = [sys.executable, "-c", code] if code else [sys.executable, "-m", "ui.launcher"]
    return subprocess.run(
        [*command, *args],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=100,
        check=False,
    )


@pytest.mark.timeout(110)
def test_self_test_passes_offscreen_in_a_temporary_home(tmp_path):
    home = tmp_path / "profile-that-must-stay-empty"
    home.mkdir()
    keep = tmp_path / "outputs"
    result = _run(["--self-test", "--keep", str(keep)], home)
    assert result.returncode == 0, result.stdout + result.stderr
    lines = result.stdout.splitlines()
    for check in ("resources", "store", "plan", "agreement", "qt", "window"):
        assert any(line.startswith(f"ok    {check}") for line in lines), result.stdout
    assert "self-test passed" in lines[-1]
    assert not list(home.iterdir()), "the self-test wrote into the given WORKSTATION_HOME"
    for produced in ("agreement.pdf", "agreement-page1.png", "main_window.png", "about.png"):
        assert (keep / produced).stat().st_size > 1000
    assert (keep / "agreement.pdf").read_bytes().startswith(b"%PDF")


@pytest.mark.timeout(110)
def test_a_failing_check_exits_non_zero_with_its_reason(tmp_path):
    code = (
        "import sys, ui.selftest as s\n"
        "s.RESOURCE_KINDS['no-such-kind'] = {}\n"
        "s.CHECKS = s.CHECKS[:1]\n"
        "sys.exit(s.main(sys.argv[1:]))\n"
    )
    result = _run([], tmp_path, code)
    assert result.returncode == 1
    failed = [line for line in result.stdout.splitlines() if line.startswith("FAIL")]
    assert len(failed) == 1
    assert "resources" in failed[0]
    assert "no-such-kind" in failed[0]
    assert "self-test FAILED" in result.stdout


def test_every_resource_kind_in_the_checkout_is_checked():
    shipped = {path.name for path in (ROOT / "resources").iterdir() if path.name != "README.md"}
    assert shipped == set(RESOURCE_KINDS)
