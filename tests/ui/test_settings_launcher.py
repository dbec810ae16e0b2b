"""Settings migrate and never hold secrets; the launcher keeps headless commands Qt-free."""

from __future__ import annotations

import json
import subprocess
import sys

import pytest

from ui import settings


def test_v1_settings_migrate(workstation_home):
    path = settings.paths.settings_path()
    path.write_text(
        json.dumps({"schema_version": 1, "softphone": "sip:{number}", "language": "zh"})
    )
    loaded = settings.load()
    assert loaded.schema_version == settings.SCHEMA_VERSION
    assert loaded.tel_uri == "sip:{number}"
    assert loaded.language == "zh_CN"
    assert loaded.device_id


def test_a_layout_saved_before_the_desk_fitted_its_window_starts_afresh(workstation_home):
    """v2 saved the desk's panes as their old minimums forced them (the queue 480 px wide,
    its last columns hidden): an upgraded desk opens laid out anew, the rest kept."""
    path = settings.paths.settings_path()
    path.write_text(
        json.dumps({"schema_version": 2, "splitter_state": "AAAA/wAAAAEAAAAD", "theme": "dark"})
    )
    loaded = settings.load()
    assert loaded.schema_version == settings.SCHEMA_VERSION
    assert loaded.splitter_state == ""
    assert loaded.theme == "dark"
    loaded.splitter_state = "kept"  # a layout saved from now on is restored
    settings.save(loaded)
    assert settings.load().splitter_state == "kept"


def test_saved_settings_hold_no_secrets(workstation_home):
    settings.save(settings.load())
    text = settings.paths.settings_path().read_text()
    assert "password" not in text
    assert "token" not in text


def test_headless_commands_do_not_import_qt():
    code = (
        "import sys\n"
        "from ui.launcher import main\n"
        "try:\n    main(['--help'])\nexcept SystemExit:\n    pass\n"
        "print('PySide6' in sys.modules)"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip().splitlines()[-1] == "False"


@pytest.mark.timeout(600)
def test_demo_screenshot_renders_every_screen(tmp_path, workstation_home):
    """The README's first command: embedded backend, seed, sign in, first sync, render."""
    out = tmp_path / "shots"
    result = subprocess.run(
        [
            sys.executable,
            "-c",
            "import sys; from ui.launcher import main; sys.exit(main(sys.argv[1:]))",
            "demo",
            "--screenshot",
            str(out),
            "--accounts",
            "150",
        ],
        capture_output=True,
        text=True,
        timeout=540,
        check=False,
        env={**__import__("os").environ, "QT_QPA_PLATFORM": "offscreen"},
    )
    assert result.returncode == 0, result.stderr[-2000:]
    log = (workstation_home / "logs" / "workstation.log").read_text(encoding="utf-8")
    assert "demo backend unavailable" not in log  # it really signed in and synced
    names = {p.name for p in out.glob("*.png")}
    assert {"main_window.png", "dialog_plan.png", "sync_panel.png"} <= names
