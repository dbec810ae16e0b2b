"""The dependency lock: ``requirements.lock``, pip constraints pinning every package.

pyproject.toml keeps open ranges (people who install the package as a library need them);
every install this repository makes itself -- the README's two commands, ``.ci/run`` and
``packaging/build.sh`` -- adds ``-c requirements.lock``, so the same commit installs the same
versions on every machine and every day.

    python3 packaging/lock.py           refresh the lock after changing a dependency in pyproject
    python3 packaging/lock.py --check   exit 1 when pyproject and the lock disagree (CI runs it)

Refreshing resolves every extra at once for every platform and Python >= 3.11 (``uv pip
compile --universal``; markers select per machine), so one file serves the desktop, the
server, the tests and the build. uv is used when it is on PATH, otherwise it is installed
into a throwaway virtualenv first (from the package index pip is configured with).

The check needs only the standard library: the lock records the SHA-256 of pyproject's
dependency tables (``requires-python``, ``dependencies``, ``optional-dependencies``), so
any change there without a refresh fails, and every requirement pyproject names must be
pinned by the lock to a version its range admits.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import os
import re
import shutil
import subprocess
import sys
import tempfile
import tomllib
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
PYPROJECT = ROOT / "pyproject.toml"
LOCK = ROOT / "requirements.lock"
PROJECT = "collector-workstation"
DIGEST_LINE = "# pyproject-dependencies-sha256: "
REFRESH = "python3 packaging/lock.py"
_PIN = re.compile(r"^([A-Za-z0-9][A-Za-z0-9._-]*)==([^\s;]+)")


def normalise(name: str) -> str:
    """PEP 503 name: what pip compares requirement names by."""
    return re.sub(r"[-_.]+", "-", name).lower()


def inputs_digest(pyproject: Path | None = None) -> str:
    """SHA-256 of what the lock is resolved from (canonical JSON of the dependency tables)."""
    pyproject = pyproject or PYPROJECT
    project = tomllib.loads(pyproject.read_text(encoding="utf-8"))["project"]
    inputs = {
        "requires-python": project.get("requires-python", ""),
        "dependencies": project.get("dependencies", []),
        "optional-dependencies": project.get("optional-dependencies", {}),
    }
    text = json.dumps(inputs, sort_keys=True, separators=(",", ":"))
    return hashlib.sha256(text.encode()).hexdigest()


def requirements(pyproject: Path | None = None) -> list[str]:
    pyproject = pyproject or PYPROJECT
    project = tomllib.loads(pyproject.read_text(encoding="utf-8"))["project"]
    reqs = list(project.get("dependencies", []))
    for extra in project.get("optional-dependencies", {}).values():
        reqs.extend(extra)
    return reqs


def pins(lock_text: str) -> dict[str, list[str]]:
    """name -> pinned versions (several when markers pick one per Python or platform)."""
    found: dict[str, list[str]] = {}
    for line in lock_text.splitlines():
        match = _PIN.match(line.strip())
        if match:
            found.setdefault(normalise(match[1]), []).append(match[2])
    return found


def problems(pyproject: Path | None = None, lock: Path | None = None) -> list[str]:
    """Every way pyproject and the lock disagree; empty when they agree."""
    pyproject, lock = pyproject or PYPROJECT, lock or LOCK
    if not lock.exists():
        return [f"{lock.name} is missing; run `{REFRESH}`"]
    text = lock.read_text(encoding="utf-8")
    out: list[str] = []
    recorded = next(
        (
            line.removeprefix(DIGEST_LINE).strip()
            for line in text.splitlines()
            if line.startswith(DIGEST_LINE)
        ),
        None,
    )
    if recorded != inputs_digest(pyproject):
        out.append(
            f"pyproject.toml's dependencies changed since {lock.name} was made; run `{REFRESH}`"
        )
    pinned = pins(text)
    try:
        from packaging.requirements import Requirement
    except ImportError:  # a bare interpreter: names only, the digest above still decides
        Requirement = None  # type: ignore[assignment,misc]
    for raw in requirements(pyproject):
        name = normalise(re.split(r"[<>=!~\[ ;]", raw, maxsplit=1)[0])
        if name == PROJECT:
            continue
        versions = pinned.get(name)
        if not versions:
            out.append(f"{raw!r} is not pinned in {lock.name}")
            continue
        if Requirement is not None:
            spec = Requirement(raw).specifier
            if not any(spec.contains(v, prereleases=True) for v in versions):
                out.append(f"{lock.name} pins {name}=={versions[0]}, outside {raw!r}")
    return out


def _uv() -> list[str]:
    found = shutil.which("uv")
    if found:
        return [found]
    folder = Path(tempfile.mkdtemp(prefix="uv-for-lock-"))
    subprocess.run([sys.executable, "-m", "venv", str(folder)], check=True)
    bin_dir = folder / ("Scripts" if os.name == "nt" else "bin")
    subprocess.run([str(bin_dir / "python"), "-m", "pip", "install", "-q", "uv"], check=True)
    return [str(bin_dir / "uv")]


def refresh() -> None:
    # uv prefers the versions already in its output file: a refresh after adding one package
    # pins that package (and what it needs) and leaves every other pin where it was.
    with tempfile.TemporaryDirectory(prefix="lock-") as folder:
        previous = Path(folder) / "previous.txt"
        if LOCK.exists():
            shutil.copyfile(LOCK, previous)
        command = [
            *_uv(),
            "pip",
            "compile",
            "pyproject.toml",
            "--all-extras",
            "--universal",
            "--python-version",
            "3.11",
            "--no-header",
            "--quiet",
            "--output-file",
            str(previous),
        ]
        subprocess.run(command, cwd=ROOT, check=True, capture_output=True, text=True)
        resolved_text = previous.read_text(encoding="utf-8")
    header = (
        "# Pins for every install this repository makes (pip constraints: `pip install -c\n"
        "# requirements.lock ...`). Generated -- do not edit; after changing a dependency in\n"
        f"# pyproject.toml run `{REFRESH}`. CI fails when the two disagree.\n"
        f"{DIGEST_LINE}{inputs_digest()}\n"
    )
    LOCK.write_text(header + resolved_text, encoding="utf-8")
    print(f"wrote {LOCK.relative_to(ROOT)} ({len(pins(resolved_text))} packages)")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--check", action="store_true", help="only check; exit 1 on a mismatch")
    args = parser.parse_args(argv)
    if args.check:
        found = problems()
        for problem in found:
            print(f"lock: {problem}", file=sys.stderr)
        if not found:
            print(f"{LOCK.name} agrees with pyproject.toml")
        return 1 if found else 0
    refresh()
    return 0


if __name__ == "__main__":
    sys.exit(main())
