"""Render the application icon from its SVG source into every size and format the OSes need.

    .venv/bin/python packaging/make_icons.py

Reads ``resources/icons/app.svg`` and writes, beside it:

- ``app-<N>.png`` for N in 16 … 512 (Linux hicolor theme, the window icon, the About dialog),
  rendered with Qt's ``QSvgRenderer`` (QtSvg ships in PySide6-Essentials);
- ``app.ico`` (Windows executable: 16, 24, 32, 48, 64, 128, 256) and ``app.icns`` (macOS
  bundle) with Pillow, which is installed with reportlab; without Pillow those two are
  skipped with a message.

The outputs are committed, so a build never needs this script; run it after editing the SVG.
"""

from __future__ import annotations

import os
import sys
from pathlib import Path

ICON_DIR = Path(__file__).resolve().parent.parent / "resources" / "icons"
SOURCE = ICON_DIR / "app.svg"
PNG_SIZES = (16, 24, 32, 48, 64, 128, 256, 512)
ICO_SIZES = (16, 24, 32, 48, 64, 128, 256)


def render_pngs() -> list[Path]:
    os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
    from PySide6.QtCore import Qt
    from PySide6.QtGui import QGuiApplication, QImage, QPainter
    from PySide6.QtSvg import QSvgRenderer

    _app = QGuiApplication.instance() or QGuiApplication([sys.argv[0]])
    renderer = QSvgRenderer(str(SOURCE))
    if not renderer.isValid():
        raise SystemExit(f"{SOURCE} is not a valid SVG")
    written = []
    for size in PNG_SIZES:
        image = QImage(size, size, QImage.Format.Format_ARGB32_Premultiplied)
        image.fill(Qt.GlobalColor.transparent)
        painter = QPainter(image)
        painter.setRenderHint(QPainter.RenderHint.Antialiasing)
        painter.setRenderHint(QPainter.RenderHint.SmoothPixmapTransform)
        renderer.render(painter)
        painter.end()
        target = ICON_DIR / f"app-{size}.png"
        if not image.save(str(target), "PNG"):
            raise SystemExit(f"could not write {target}")
        written.append(target)
    return written


def write_ico_icns() -> list[Path]:
    try:
        from PIL import Image
    except ImportError:
        print("Pillow is not installed: app.ico and app.icns were not regenerated", file=sys.stderr)
        return []
    largest = Image.open(ICON_DIR / "app-512.png").convert("RGBA")
    ico = ICON_DIR / "app.ico"
    largest.save(ico, format="ICO", sizes=[(s, s) for s in ICO_SIZES])
    icns = ICON_DIR / "app.icns"
    largest.save(icns, format="ICNS")
    return [ico, icns]


def main() -> int:
    for path in (*render_pngs(), *write_ico_icns()):
        print(f"wrote {path.relative_to(ICON_DIR.parent.parent)} ({path.stat().st_size} bytes)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
