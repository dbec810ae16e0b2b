"""``workstation --self-test``: prove this installation works, offscreen, without touching the
user's profile or keyring.

Runs the same way from a checkout (``.venv/bin/workstation --self-test``) and from the frozen
desktop build (``dist/workstation/workstation --self-test``), which is what CI runs after
building. Each check prints one line; the first word is ``ok`` or ``FAIL`` and a failure
carries its reason. Exit code 0 when every check passed, 1 otherwise.

Isolation: the profile is a fresh temporary ``WORKSTATION_HOME`` (whatever the environment
said), secrets go to an in-memory keyring, Qt runs on the ``offscreen`` platform. The
temporary folder is removed at the end unless ``--keep DIR`` asks for the outputs (the
agreement PDF, its first page and the main window as PNG) to be copied to ``DIR``.
"""

from __future__ import annotations

import argparse
import os
import secrets
import shutil
import sys
import tempfile
import time
import traceback
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date, timedelta
from decimal import Decimal
from pathlib import Path
from typing import Any, ClassVar

# Every kind of resource the application ships, with what each must contain (glob → at least
# how many files). tests/ui/test_selftest.py keeps this list equal to resources/'s contents.
RESOURCE_KINDS: dict[str, dict[str, int]] = {
    "rules": {"*.toml": 3},
    "fonts": {"*.ttf": 3, "*LICENSE*": 1, "*OFL*": 1, "README.md": 1},
    "icons": {"*.svg": 2, "app-*.png": 8, "app.ico": 1, "app.icns": 1},
    "styles": {"light.qss": 1, "dark.qss": 1},
    "translations": {"*.qm": 1},
    "templates": {"*.toml": 1},
    "dispositions.toml": {},
    "scorecard.json": {},
    "treatments.toml": {},
    "call_guide.toml": {},
    "settlement_policy.toml": {},
    "lifecycle_policy.toml": {},
    "samples": {"*.csv": 4},  # the bank file formats the README documents
    "qa_rubric.toml": {},
    "training": {"scenarios.toml": 1, "*.toml": 2},
    "workflows": {"complaint_root_causes.toml": 1},  # the root causes a complaint is traced to
    "segments": {"ability.json": 1, "willingness.json": 1},  # the shipped ability/willingness
    "strategies": {"*.toml": 1},  # contact strategies per segment and bucket
    "towns.toml": {},  # one town whatever its spelling (field territories, the day's route)
    "creditor.toml": {},  # the creditor's name and number per language
}
CJK_SAMPLE = "还款"  # printed on every bilingual agreement


class SelfTestError(RuntimeError):
    """A check found something wrong; the message is the reason shown to the user."""


@dataclass
class Run:
    home: Path
    out: Path
    state: dict[str, Any] = field(default_factory=dict)
    failures: list[str] = field(default_factory=list)


def _isolate(home: Path) -> None:
    """A temporary profile, an in-memory keyring, the offscreen Qt platform."""
    os.environ["WORKSTATION_HOME"] = str(home)
    os.environ["QT_QPA_PLATFORM"] = "offscreen"
    import keyring
    from keyring.backend import KeyringBackend
    from keyring.errors import PasswordDeleteError

    class SelfTestKeyring(KeyringBackend):
        priority = 1
        # a new class (and dict) per call of _isolate
        entries: ClassVar[dict[tuple[str, str], str]] = {}

        def get_password(self, service: str, username: str) -> str | None:
            return self.entries.get((service, username))

        def set_password(self, service: str, username: str, password: str) -> None:
            self.entries[(service, username)] = password

        def delete_password(self, service: str, username: str) -> None:
            if self.entries.pop((service, username), None) is None:
                raise PasswordDeleteError(username)

    keyring.set_keyring(SelfTestKeyring())  # type: ignore[no-untyped-call]


# -- checks -------------------------------------------------------------------------------------


def check_resources(run: Run) -> str:
    from workstation.resources import resource_path, resources_root

    root = resources_root()
    for kind, expected in RESOURCE_KINDS.items():
        path = resource_path(kind)  # raises ResourceNotFoundError with the folder it searched
        for pattern, minimum in expected.items():
            found = [p for p in path.glob(pattern) if p.is_file() and p.stat().st_size > 0]
            if len(found) < minimum:
                raise SelfTestError(
                    f"{kind}/{pattern}: {len(found)} file(s), expected at least {minimum}"
                )
        if path.is_file() and path.stat().st_size == 0:
            raise SelfTestError(f"{kind} is empty")
    return f"{len(RESOURCE_KINDS)} kinds in {root}"


def check_store(run: Run) -> str:
    from workstation import paths
    from workstation.demo.generator import generate_portfolio
    from workstation.store import Store
    from workstation.store.migrate import head_revision, script_location

    location = script_location()
    if not (location / "script.py.mako").is_file() or not list(location.glob("versions/*.py")):
        raise SelfTestError(f"the store's migrations are missing from {location}")
    store = Store.open()
    run.state["store"] = store
    if not str(store.path).startswith(str(run.home)):
        raise SelfTestError(f"the store opened outside the temporary home: {store.path}")
    revision = store.schema_revision()
    head = head_revision()
    if revision != head:
        raise SelfTestError(f"store at schema {revision}, expected {head}")
    try:
        import sqlcipher3  # noqa: F401 - only proving it is importable
    except ImportError:
        raise SelfTestError(
            "SQLCipher (sqlcipher3) is missing: a signed-in profile's encrypted store cannot open"
        ) from None
    raw_key = secrets.token_hex(32)  # a raw 256-bit key, as workstation.auth makes (no PBKDF2)
    with Store.open(run.home / "data" / "encrypted-check.db", key=raw_key) as enc:
        if enc.schema_revision() != head:
            raise SelfTestError("the encrypted (SQLCipher) store did not migrate to head")
    store.bulk_load(generate_portfolio(40, seed=7))
    rows = store.queue_rows()
    if not rows:
        raise SelfTestError("the store holds no queue rows after loading 40 accounts")
    return (
        f"schema {revision} (migrated from empty; SQLCipher store too), {len(rows)} queue rows, "
        f"{paths.store_path()}"
    )


def check_plan(run: Run) -> str:
    from workstation.domain.money import Money
    from workstation.plans import Frequency, InstalmentTerms, build_schedule

    today = date.today()
    terms = InstalmentTerms(
        principal=Money.of("12000.00", "CNY"),
        annual_rate=Decimal("12"),
        count=12,
        frequency=Frequency.MONTHLY,
        first_due=today + timedelta(days=30),
    )
    schedule = build_schedule(terms, today=today)
    paid = sum((i.payment.amount for i in schedule.instalments), Decimal(0))
    if paid != schedule.total_paid.amount or schedule.count != 12:
        raise SelfTestError(f"schedule does not add up: {paid} vs {schedule.total_paid}")
    if schedule.instalments[-1].balance_after.amount != 0:
        raise SelfTestError("schedule leaves a balance after the last instalment")
    run.state["schedule"] = schedule
    return f"12 monthly instalments, total {schedule.total_paid.amount} CNY"


def check_agreement(run: Run) -> str:
    import pypdfium2 as pdfium  # type: ignore[import-untyped]

    from workstation.documents import render_specimen

    schedule = run.state.get("schedule")
    if schedule is None:
        raise SelfTestError("needs the plan from the previous check")
    pdf = render_specimen(schedule, "both")
    if not pdf.startswith(b"%PDF"):
        raise SelfTestError("the agreement is not a PDF")
    if b"DroidSansFallback" not in pdf or b"/FontFile2" not in pdf:
        raise SelfTestError("the CJK font (Droid Sans Fallback) is not embedded in the PDF")
    (run.out / "agreement.pdf").write_bytes(pdf)
    reader = pdfium.PdfDocument(pdf)
    try:
        pages = len(reader)
        text = ""
        for index in range(pages):
            page = reader[index]
            textpage = page.get_textpage()
            text += textpage.get_text_range()
            textpage.close()
            page.close()
    finally:
        reader.close()
    if CJK_SAMPLE not in text:
        raise SelfTestError(f"the PDF's text has no Chinese ({CJK_SAMPLE!r} not found)")
    run.state["pdf"] = pdf
    return (
        f"{pages} page(s), {len(pdf) // 1024} KB, Droid Sans Fallback embedded, Chinese text found"
    )


# The offscreen platform cannot resize native windows to size hints; harmless noise.
_QT_NOISE = ("This plugin does not support propagateSizeHints",)


def _qt_app() -> Any:
    from PySide6.QtCore import qInstallMessageHandler

    from ui import app as app_mod

    def relay(_kind: Any, _context: Any, message: str) -> None:
        if not message.startswith(_QT_NOISE):
            print(f"qt: {message}", file=sys.stderr)

    qInstallMessageHandler(relay)
    return app_mod.ensure_app([sys.argv[0] if sys.argv else "workstation"])


def check_qt(run: Run) -> str:
    from PySide6.QtGui import QIcon, QImageReader

    from ui import app as app_mod
    from workstation.resources import resource_path

    app = _qt_app()
    app_mod.prepare(app, "zh_CN", "light")
    formats = {bytes(f.data()).decode() for f in QImageReader.supportedImageFormats()}
    if "svg" not in formats:
        raise SelfTestError("Qt cannot read SVG (the imageformats/qsvg plugin is missing)")
    app_icon = QIcon(str(resource_path("icons", "app.svg")))
    named = QIcon("icons:phone.svg")
    if app_icon.pixmap(64, 64).isNull() or named.pixmap(24, 24).isNull():
        raise SelfTestError("icons do not render (app.svg or icons:phone.svg)")
    from ui.i18n import tr

    if tr("Needs attention") == "Needs attention":
        raise SelfTestError("the Chinese translation catalogue did not load")
    from ui.documents.preview import rasterise

    pdf = run.state.get("pdf")
    if pdf is None:
        raise SelfTestError("needs the agreement PDF from the previous check")
    page = rasterise(pdf, 0, 96.0)
    if page.image.isNull() or not page.image.save(str(run.out / "agreement-page1.png")):
        raise SelfTestError("the agreement's first page did not rasterise (pypdfium2)")
    return f"platform {app.platformName()}, SVG icons, zh_CN catalogue, PDF page rasterised"


def check_window(run: Run) -> str:
    from ui import app as app_mod
    from ui.main_window import MainWindow
    from ui.screenshots import settle, wait_for

    store = run.state.get("store")
    if store is None:
        raise SelfTestError("needs the store from the store check")
    _qt_app()
    ctx = app_mod.make_context(store=store, user="self-test")
    ctx.storage = "sqlite"
    window = MainWindow(ctx)
    try:
        window.resize(1600, 900)
        window.show()
        window.start()
        if window.queue is not None and not wait_for(window.queue_loaded, 20_000):
            raise SelfTestError("the queue did not load within 20 s")
        settle(ctx.runner, 300)
        pixmap = window.grab()
        target = run.out / "main_window.png"
        if pixmap.isNull() or not pixmap.save(str(target)):
            raise SelfTestError("the main window did not render to PNG")
        from ui.about import open_about

        about = open_about(window)
        settle(ctx.runner, 100)
        about_pixmap = about.grab()
        if about_pixmap.isNull() or not about_pixmap.save(str(run.out / "about.png")):
            raise SelfTestError("the About dialog did not render")
        about.reject()
        size = f"{pixmap.width()}×{pixmap.height()}"
    finally:
        window.close()
        ctx.runner.shutdown()
    return f"main window {size} and About dialog rendered to PNG"


CHECKS: tuple[tuple[str, Callable[[Run], str]], ...] = (
    ("resources", check_resources),
    ("store", check_store),
    ("plan", check_plan),
    ("agreement", check_agreement),
    ("qt", check_qt),
    ("window", check_window),
)


def run_checks(run: Run, emit: Callable[[str], None]) -> int:
    for name, check in CHECKS:
        started = time.perf_counter()
        try:
            detail = check(run)
        except Exception as exc:
            reason = f"{type(exc).__name__}: {exc}" if not isinstance(exc, SelfTestError) else exc
            run.failures.append(name)
            emit(f"FAIL  {name:<10} {reason}")
            if os.environ.get("WORKSTATION_SELFTEST_TRACE"):
                emit(traceback.format_exc())
            continue
        emit(f"ok    {name:<10} {detail} ({time.perf_counter() - started:.2f} s)")
    store = run.state.get("store")
    if store is not None:
        store.close()
    return 1 if run.failures else 0


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="workstation --self-test",
        description="Check this installation offscreen in a temporary profile; 0 means it works.",
    )
    parser.add_argument("--keep", type=Path, metavar="DIR", help="copy the PDF and PNGs to DIR")
    args = parser.parse_args(argv)

    from workstation import __version__

    started = time.perf_counter()
    home = Path(tempfile.mkdtemp(prefix="workstation-selftest-"))
    out = home / "selftest"
    out.mkdir()
    how = "desktop build" if getattr(sys, "frozen", False) else "from source"

    def emit(line: str) -> None:
        print(line, flush=True)

    emit(f"Collector Workstation {__version__} self-test ({how}); temporary home {home}")
    try:
        _isolate(home)
        code = run_checks(Run(home=home, out=out), emit)
        if args.keep:
            args.keep.mkdir(parents=True, exist_ok=True)
            for produced in sorted(out.iterdir()):
                shutil.copy2(produced, args.keep / produced.name)
            emit(f"outputs copied to {args.keep}")
    except Exception as exc:  # the harness itself failed: still a reason, never a traceback
        emit(f"FAIL  self-test could not run: {type(exc).__name__}: {exc}")
        code = 1
    finally:
        shutil.rmtree(home, ignore_errors=True)
    elapsed = time.perf_counter() - started
    emit(f"self-test {'passed' if code == 0 else 'FAILED'} in {elapsed:.1f} s")
    return code


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
