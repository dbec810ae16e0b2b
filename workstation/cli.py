"""Headless command line: ``workstation plan|sync|status|…`` without importing Qt.

Each feature module contributes its subcommands through a ``register(subparsers)`` function,
so this file stays a table of contents. Exit codes: 0 success, 2 invalid input or usage,
1 any other failure.
"""

from __future__ import annotations

import argparse
import importlib
import sys
from collections.abc import Sequence

# Modules that add subcommands; each exposes register(subparsers) and sets ``func`` defaults.
COMMAND_MODULES = (
    "workstation.plan_cli",
    "workstation.sync.cli",
)


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="workstation",
        description="Collector Workstation: plans, sync and status from the command line.",
    )
    subparsers = parser.add_subparsers(dest="command", metavar="COMMAND")
    for module_name in COMMAND_MODULES:
        try:
            module = importlib.import_module(module_name)
        except ModuleNotFoundError as exc:
            if exc.name != module_name:
                raise
            continue
        module.register(subparsers)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    func = getattr(args, "func", None)
    if func is None:
        parser.print_help(sys.stderr)
        return 2
    result = func(args)
    return int(result or 0)


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
