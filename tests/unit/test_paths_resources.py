"""One module owns every path; WORKSTATION_HOME moves them all; resources are found."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from workstation import paths
from workstation.resources import ResourceNotFoundError, resource_dir, resource_path


def test_every_path_lives_under_workstation_home(workstation_home: Path) -> None:
    for func in (
        paths.data_dir,
        paths.config_dir,
        paths.cache_dir,
        paths.log_dir,
        paths.blob_dir,
        paths.server_data_dir,
    ):
        located = func()
        assert located.is_dir()
        assert workstation_home in located.parents
    assert workstation_home in paths.store_path().parents
    assert workstation_home in paths.settings_path().parents


def test_resources_are_found_from_the_checkout() -> None:
    assert resource_path("dispositions.toml").is_file()
    assert resource_dir("fonts").is_dir()
    with pytest.raises(ResourceNotFoundError, match="no-such-thing"):
        resource_path("no-such-thing.toml")


def test_core_imports_leave_qt_out() -> None:
    code = (
        "import sys, workstation.domain, workstation.paths, workstation.resources, workstation.cli;"
        "import importlib.util as u;"
        "core = ('workstation.store', 'workstation.plans', 'workstation.compliance');"
        "[__import__(m) for m in core if u.find_spec(m)];"
        "bad = [m for m in sys.modules if m.split('.')[0] in ('PySide6', 'shiboken6', 'ui')];"
        "print(bad); sys.exit(1 if bad else 0)"
    )
    result = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=False
    )
    assert result.returncode == 0, result.stdout + result.stderr
