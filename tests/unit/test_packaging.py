"""The resources helper finds everything from an installed (non-editable) wheel, too."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]


@pytest.mark.slow
def test_installed_wheel_carries_resources_and_finds_them(tmp_path: Path) -> None:
    wheel_dir = tmp_path / "wheel"
    build = subprocess.run(
        [sys.executable, "-m", "pip", "wheel", "-q", "--no-deps", "-w", str(wheel_dir), str(ROOT)],
        capture_output=True,
        text=True,
        check=False,
        timeout=300,
    )
    assert build.returncode == 0, build.stderr
    (wheel,) = wheel_dir.glob("*.whl")
    target = tmp_path / "site"
    install = subprocess.run(
        [
            sys.executable,
            "-m",
            "pip",
            "install",
            "-q",
            "--no-deps",
            "--target",
            str(target),
            str(wheel),
        ],
        capture_output=True,
        text=True,
        check=False,
        timeout=300,
    )
    assert install.returncode == 0, install.stderr
    probe = (
        "import sys; sys.path.insert(0, sys.argv[1]);"
        "from workstation.resources import resources_root, resource_path;"
        "root = resources_root(); print(root);"
        "assert str(root).startswith(sys.argv[1]), root;"
        "resource_path('dispositions.toml'); resource_path('fonts', 'DroidSansFallbackFull.ttf')"
    )
    # Run from an empty folder so the checkout cannot shadow the installed copy.
    result = subprocess.run(
        [sys.executable, "-I", "-c", probe, str(target)],
        cwd=tmp_path,
        capture_output=True,
        text=True,
        check=False,
        timeout=60,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert "_resources" in result.stdout
