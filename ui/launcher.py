"""The ``workstation`` console script.

Headless subcommands go to ``workstation.cli`` without importing Qt; ``demo`` and the
window (no subcommand) import PySide6 only when chosen.
"""

from __future__ import annotations

import sys
from collections.abc import Sequence

GUI_COMMANDS = ("demo", "gui")


def main(argv: Sequence[str] | None = None) -> int:
    args = list(sys.argv[1:] if argv is None else argv)
    if args and args[0] == "demo":
        from ui.demo import main as demo_main

        return demo_main(args[1:])
    if not args or args[0] == "gui":
        from ui.demo import main as demo_main

        # The plain window is the demo without generated data once sign-in + sync exist;
        # today both open the local store.
        return demo_main(args[1:])
    from workstation.cli import main as cli_main

    return cli_main(args)


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
