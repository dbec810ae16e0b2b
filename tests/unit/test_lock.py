"""The dependency lock agrees with pyproject, and the check notices when it does not."""

from __future__ import annotations

import importlib.util
import re
import shutil
import sys
from pathlib import Path
from types import ModuleType

import pytest

ROOT = Path(__file__).resolve().parents[2]


def _lock_module() -> ModuleType:
    spec = importlib.util.spec_from_file_location("lock_tool", ROOT / "packaging" / "lock.py")
    assert spec is not None
    assert spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module
    spec.loader.exec_module(module)
    return module


lock = _lock_module()


@pytest.fixture
def copies(tmp_path: Path) -> tuple[Path, Path]:
    pyproject = tmp_path / "pyproject.toml"
    requirements = tmp_path / "requirements.lock"
    shutil.copy(ROOT / "pyproject.toml", pyproject)
    shutil.copy(ROOT / "requirements.lock", requirements)
    return pyproject, requirements


def test_the_committed_lock_agrees_with_pyproject() -> None:
    assert lock.problems() == []


def test_every_install_this_repository_makes_uses_the_lock() -> None:
    readme = (ROOT / "README.md").read_text(encoding="utf-8").splitlines()
    assert readme[2] == "```bash"
    demo, tests = readme[3], readme[4]
    for command in (demo, tests):
        assert "pip install -c requirements.lock -e" in command
    ci = (ROOT / ".ci" / "run").read_text(encoding="utf-8")
    assert "packaging/lock.py --check" in ci
    assert "-c requirements.lock" in ci
    build = (ROOT / "packaging" / "build.sh").read_text(encoding="utf-8")
    installs = [
        line
        for line in build.splitlines()
        if '/bin/pip" install' in line and "--upgrade" not in line
    ]
    assert installs
    assert all("-c requirements.lock" in line for line in installs)


def test_a_new_dependency_without_a_refresh_is_caught(copies: tuple[Path, Path]) -> None:
    pyproject, requirements = copies
    text = pyproject.read_text(encoding="utf-8")
    pyproject.write_text(
        text.replace('"requests>=2.32",', '"requests>=2.32",\n    "left-pad>=1",', 1),
        encoding="utf-8",
    )
    found = lock.problems(pyproject, requirements)
    assert any("changed since" in p for p in found)
    assert any("'left-pad>=1' is not pinned" in p for p in found)


def test_a_range_the_pin_falls_outside_is_caught(copies: tuple[Path, Path]) -> None:
    pyproject, requirements = copies
    text = requirements.read_text(encoding="utf-8")
    requirements.write_text(
        re.sub(r"(?m)^requests==\S+", "requests==2.0.0", text), encoding="utf-8"
    )
    found = lock.problems(pyproject, requirements)
    assert found == ["requirements.lock pins requests==2.0.0, outside 'requests>=2.32'"]


def test_a_missing_lock_says_how_to_make_one(copies: tuple[Path, Path]) -> None:
    pyproject, requirements = copies
    requirements.unlink()
    assert lock.problems(pyproject, requirements) == [
        "requirements.lock is missing; run `python3 packaging/lock.py`"
    ]


def test_check_exits_nonzero_on_a_mismatch(
    copies: tuple[Path, Path], monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    pyproject, requirements = copies
    monkeypatch.setattr(lock, "PYPROJECT", pyproject)
    monkeypatch.setattr(lock, "LOCK", requirements)
    assert lock.main(["--check"]) == 0
    pyproject.write_text(
        pyproject.read_text(encoding="utf-8").replace('"tzdata>=2024.1"', '"tzdata>=2024.2"'),
        encoding="utf-8",
    )
    assert lock.main(["--check"]) == 1
    assert "run `python3 packaging/lock.py`" in capsys.readouterr().err
