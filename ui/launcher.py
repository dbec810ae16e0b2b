"""The ``workstation`` console script.

Headless subcommands go to ``workstation.cli`` without importing Qt; ``demo`` and the
window (no subcommand) import PySide6 only when chosen; ``--self-test`` checks this
installation offscreen (``ui.selftest``).
"""

from __future__ import annotations

import sys
from collections.abc import Sequence

GUI_COMMANDS = ("demo", "gui", "train")


def main(argv: Sequence[str] | None = None) -> int:
    args = list(sys.argv[1:] if argv is None else argv)
    if args and args[0] == "--self-test":  # an option, never a subcommand: see ui/selftest.py
        from ui.selftest import main as selftest_main

        return selftest_main(args[1:])
    if args and args[0] == "demo":
        if getattr(sys, "frozen", False):
            print(
                "workstation demo: this desktop build has no embedded backend (the server is "
                "not bundled), so the demo opens on locally generated data. For the full demo "
                "install from source: pip install -e '.[server]'",
                file=sys.stderr,
            )
        from ui.demo import main as demo_main

        return demo_main(args[1:])
    if args and args[0] == "train":  # training mode: practice customers, never synced
        from ui.training import main as train_main

        return train_main(args[1:])
    if not args or args[0] == "gui":
        from ui.gui import main as gui_main  # unlock, sign in (or offline), the window

        return gui_main(args[1:])
    from workstation.cli import main as cli_main

    return cli_main(args)


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
