"""Retake the README's screenshots of the viewer with the shipped model and samples.

    xvfb-run -a python scripts/readme_screenshots.py [--out docs/screenshots]

Each picture is the whole window at its default size, taken once the analysis (and, for the
methods picture, the faithfulness measurement) is on screen. The unfamiliar-part picture uses a
generated spur gear (an "other" kind the model was taught to be unsure about); its file lives in
a temporary folder. Look at every picture before committing: the README's captions describe them.
"""

from __future__ import annotations

import argparse
import sys
import tempfile
from dataclasses import replace
from pathlib import Path

from PySide6.QtCore import QEventLoop, QSettings, QTimer
from PySide6.QtWidgets import QApplication

from pointcam_gui.core.synthetic import generate_other
from pointcam_gui.gui import presenting
from pointcam_gui.gui.exporting import grab_window, save_qimage_atomic
from pointcam_gui.gui.main_window import MainWindow
from pointcam_gui.gui.settings import Settings
from pointcam_gui.resources import samples

TIMEOUT_MS = 180_000
SETTLE_MS = 500
GEAR_SEED = 6  # a plain spur gear, flagged unfamiliar by the shipped model


def _wait(signal: object | None, ms: int = TIMEOUT_MS) -> None:
    loop = QEventLoop()
    if signal is not None:
        signal.connect(lambda *_: loop.quit())  # type: ignore[attr-defined]
    QTimer.singleShot(ms, loop.quit)
    loop.exec()


def _shoot(window: MainWindow, path: Path, out: Path, *, target: str | None = None,
           method: str = "gradcam", dark: bool = False, measure: bool = False) -> None:
    window.set_style(replace(window.scene_style, dark=dark))
    window.set_method(method)
    window.open_path(path, target)
    _wait(window.analysis_shown)
    if measure:
        presenting.measure(window)
        _wait(window.faithfulness_measured)
    _wait(None, SETTLE_MS)
    save_qimage_atomic(grab_window(window), out)
    print(f"wrote {out}")


def _shoot_compare(window: MainWindow, path: Path, out: Path, method: str) -> None:
    """Grad-CAM in the main view, ``method`` for the same class in the compare pane."""
    window.set_style(replace(window.scene_style, dark=False))
    window.set_method("gradcam")
    window.open_path(path)
    _wait(window.analysis_shown)
    pane = window.compare
    window.set_compare(True)
    _wait(window.compare_shown)
    pane.target_combo.setCurrentIndex(pane.target_combo.findData(-1))  # the predicted class
    pane.method_picker.setCurrentIndex(pane.method_picker.findData(method, 256))
    _wait(window.compare_shown)
    _wait(None, SETTLE_MS)
    save_qimage_atomic(grab_window(window), out)
    window.set_compare(False)
    print(f"wrote {out}")


def _shoot_parts(window: MainWindow, folder: Path, out: Path, steps: int) -> None:
    """A folder as the part list, stepped ``steps`` parts down, the parts ahead analysed."""
    window.set_style(replace(window.scene_style, dark=False))
    window.set_method("gradcam")
    window.open_paths([folder])
    _wait(window.analysis_shown)
    for _ in range(steps):
        window.step_part(+1)
        _wait(window.analysis_shown)
    _wait(None, 4000)  # the two parts ahead
    save_qimage_atomic(grab_window(window), out)
    window.open_path(next(iter(samples())))  # closes the list for the next pictures
    _wait(window.analysis_shown)
    print(f"wrote {out}")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", type=Path, default=Path("docs/screenshots"))
    parser.add_argument("--only", nargs="+", metavar="NAME",
                        help="retake only these pictures (file names without .png)")
    args = parser.parse_args()
    app = QApplication(sys.argv[:1])
    with tempfile.TemporaryDirectory() as tmp:
        store = QSettings(str(Path(tmp) / "settings.ini"), QSettings.Format.IniFormat)
        window = MainWindow(settings=Settings(store), device="cpu", remember=False)
        window.show()
        part = {p.stem: p for p in samples()}
        gear = Path(tmp) / "spur_gear.stl"
        generate_other("gear", GEAR_SEED).export(gear)
        shots = {
            "main_window": lambda out: _shoot(window, part["hook"], out),
            "class_switch": lambda out: _shoot(window, part["hook"], out,
                                               target="T-shape fitting"),
            "methods": lambda out: _shoot(window, part["t_fitting"], out, method="gradcam++",
                                          measure=True),
            "compare": lambda out: _shoot_compare(window, part["hook"], out, "occlusion"),
            "unfamiliar": lambda out: _shoot(window, gear, out),
            "dark": lambda out: _shoot(window, part["wheel"], out, dark=True),
            "part_list": lambda out: _shoot_parts(window, part["hook"].parent, out, 2),
        }
        for name, shoot in shots.items():
            if not args.only or name in args.only:
                shoot(args.out / f"{name}.png")
        window.close()
    app.processEvents()
    return 0


if __name__ == "__main__":
    sys.exit(main())
