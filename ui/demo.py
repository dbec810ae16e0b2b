"""``workstation demo``: fill a local store, open the window (or render screenshots and exit)."""

from __future__ import annotations

import argparse
import importlib
import logging
import sys
import time
from pathlib import Path
from typing import Any

from workstation.domain import Role

log = logging.getLogger(__name__)


def _portfolio(accounts: int, owner: str) -> Any:
    try:
        generator = importlib.import_module("workstation.demo.generator")
        return generator.generate_portfolio(accounts, seed=1)
    except (ImportError, AttributeError):
        from workstation.desk.memory import sample_portfolio

        return sample_portfolio(accounts, seed=1, owner=owner)


def _is_empty(store: Any) -> bool:
    check = getattr(store, "is_empty", None)
    if callable(check):
        return bool(check())
    return not store.queue_rows()


def provision_demo_data(ctx: Any, accounts: int) -> str:
    """Get the local store ready for the demo. THE one place that will become
    "start the embedded backend, seed it, sign in as the role's demo user, first sync"
    once ``workstation.server.start_embedded`` and the sync engine land; until then it
    bulk-loads the generated portfolio straight into the local store.
    """
    if not _is_empty(ctx.store):
        return "existing"
    ctx.store.bulk_load(_portfolio(accounts, ctx.user))
    return "generated"


def parse(argv: list[str]) -> argparse.Namespace:
    parser = argparse.ArgumentParser(
        prog="workstation demo", description="Open the workstation on demo data."
    )
    parser.add_argument(
        "--role", choices=[r.value for r in (Role.AGENT, Role.FIELD, Role.LEAD)], default="agent"
    )
    parser.add_argument("--accounts", type=int, default=2000)
    parser.add_argument(
        "--screenshot", type=Path, metavar="DIR", help="render PNGs to DIR and exit"
    )
    parser.add_argument(
        "--language", choices=["en", "zh_CN"], help="override the settings for this run"
    )
    parser.add_argument(
        "--theme", choices=["light", "dark"], help="override the settings for this run"
    )
    return parser.parse_args(argv)


def run(argv: list[str]) -> int:
    args = parse(argv)
    if args.screenshot:
        import os

        os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
    from ui import app as app_mod

    app = app_mod.ensure_app()
    app_mod.configure_logging()
    ctx = app_mod.make_context(role=Role(args.role))
    language = args.language or ctx.settings.language
    theme_name = args.theme or ctx.settings.theme
    app_mod.prepare(app, language, theme_name)
    provision_demo_data(ctx, args.accounts)
    from ui.main_window import MainWindow

    window = MainWindow(ctx)
    if args.screenshot:
        from ui.screenshots import render_all

        failures = render_all(app, window, args.screenshot)
        ctx.runner.shutdown()
        return 1 if failures else 0
    window.show()
    window.start()
    return app.exec()


def main(argv: list[str] | None = None) -> int:
    started = time.perf_counter()
    code = run(list(sys.argv[1:] if argv is None else argv))
    log.info("demo finished in %.1f s", time.perf_counter() - started)
    return code
