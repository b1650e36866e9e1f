"""Render the app icon from resources/icons/pointcam.svg for every platform.

    python packaging/icons.py [OUT]     (default: build/icons)

Writes the freedesktop hicolor PNGs (OUT/hicolor/<n>x<n>/apps/<id>.png, 16 … 512 px) with the
scalable SVG beside them, the Windows icon (pointcam.ico) and the macOS icon (pointcam.icns).
Qt's SVG renderer draws the PNGs, so the build needs no Inkscape or librsvg; Pillow packs the
.ico and .icns. Runs without a display (Qt's offscreen platform).
"""

from __future__ import annotations

import os
import shutil
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
SVG = ROOT / "resources" / "icons" / "pointcam.svg"
APP_ID = "org.pointcam.PointCAM"
SIZES = (16, 24, 32, 48, 64, 128, 256, 512)


def render(svg: Path, size: int, out: Path) -> None:
    from PySide6.QtCore import Qt
    from PySide6.QtGui import QImage, QPainter
    from PySide6.QtSvg import QSvgRenderer

    image = QImage(size, size, QImage.Format.Format_ARGB32_Premultiplied)
    image.fill(Qt.GlobalColor.transparent)
    painter = QPainter(image)
    painter.setRenderHint(QPainter.RenderHint.Antialiasing)
    QSvgRenderer(str(svg)).render(painter)
    painter.end()
    out.parent.mkdir(parents=True, exist_ok=True)
    if not image.save(str(out)):
        raise SystemExit(f"icons: could not write {out}")


def main(argv: list[str]) -> int:
    out = Path(argv[0]) if argv else ROOT / "build" / "icons"
    os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
    from PIL import Image
    from PySide6.QtGui import QGuiApplication

    app = QGuiApplication.instance() or QGuiApplication([])  # noqa: F841 (fonts, image I/O)
    for size in SIZES:
        render(SVG, size, out / "hicolor" / f"{size}x{size}" / "apps" / f"{APP_ID}.png")
    scalable = out / "hicolor" / "scalable" / "apps" / f"{APP_ID}.svg"
    scalable.parent.mkdir(parents=True, exist_ok=True)
    shutil.copyfile(SVG, scalable)
    largest = Image.open(out / "hicolor" / "512x512" / "apps" / f"{APP_ID}.png")
    largest.save(out / "pointcam.ico", sizes=[(s, s) for s in SIZES if s <= 256])
    largest.save(out / "pointcam.icns")
    print(f"icons: {len(SIZES)} PNG sizes, SVG, .ico and .icns in {out}")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
