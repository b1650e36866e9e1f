"""Process setup for ``pointcam-gui``: arguments, logging, QApplication identity, the window.

`pointcam-gui [PART...] [--target CLASS] [--device auto|cpu|cuda] [--screenshot OUT.png]`.
Several parts (or a folder) fill the part list and the first is shown. With --screenshot the
window opens, analyses the first part, saves a picture of the whole window and exits 0 (or
non-zero with one line on stderr), like F3D's --output.
"""

from __future__ import annotations

import argparse
import logging
import os
import sys
from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING, NoReturn

from pointcam_gui import __version__

if TYPE_CHECKING:
    from pointcam_gui.gui.main_window import MainWindow

ORGANIZATION = "PointCAM"
APP_ID = "org.pointcam.PointCAM"  # reverse-DNS id: the .desktop entry, icons and metainfo
APPLICATION = "PointCAM"
SCREENSHOT_TIMEOUT_MS = 300_000
log = logging.getLogger(__name__)


class _OneLineParser(argparse.ArgumentParser):
    def error(self, message: str) -> NoReturn:
        self.exit(2, f"{self.prog}: error: {message} (see --help)\n")


def build_parser() -> argparse.ArgumentParser:
    p = _OneLineParser(prog="pointcam-gui", description="Open a CAD part, see which "
                       "mechanical-part class a PointNet names and the Grad-CAM evidence for it.")
    p.add_argument("parts", nargs="*", type=Path, metavar="PART",
                   help="parts to open (STL, OBJ, PLY, ...) or folders of parts: several fill "
                        "the part list")
    p.add_argument("--target", help="class to explain: name, unique prefix or index "
                                    "(default: the predicted class)")
    p.add_argument("--method", help="explanation method (default gradcam; see `pointcam "
                                    "methods`)")
    p.add_argument("--device", choices=("auto", "cpu", "cuda"),
                   help="where the model runs (default: the last choice, else auto)")
    p.add_argument("--weights", type=Path, help="weights file (default: the shipped model)")
    p.add_argument("--screenshot", type=Path, metavar="OUT.png",
                   help="analyse PART, save a picture of the window and exit")
    p.add_argument("--dark", action="store_true", help="start with the dark theme")
    p.add_argument("-v", "--verbose", action="store_true", help="log details to stderr")
    p.add_argument("--version", action="version", version=f"pointcam-gui {__version__}")
    return p


def parse_args(argv: Sequence[str] | None) -> argparse.Namespace:
    parser = build_parser()
    args = parser.parse_args(argv)
    if args.method is not None:
        from pointcam_gui.core.errors import PointCAMError
        from pointcam_gui.core.explain.catalogue import method_info

        try:
            args.method = method_info(args.method).name
        except PointCAMError as exc:
            parser.error(str(exc))
    if args.screenshot is not None:
        if not args.parts:
            parser.error("--screenshot needs a PART to open")
        if args.screenshot.suffix.lower() not in {".png", ".jpg", ".jpeg"}:
            parser.error(f"--screenshot {args.screenshot.name}: use a .png or .jpg file")
    return args


def no_display_reason() -> str | None:
    """Why Qt could not open a window here, or None. Checked before Qt aborts the process."""
    if not sys.platform.startswith("linux") or os.environ.get("QT_QPA_PLATFORM"):
        return None
    if os.environ.get("DISPLAY") or os.environ.get("WAYLAND_DISPLAY"):
        return None
    return ("pointcam-gui: no display (neither DISPLAY nor WAYLAND_DISPLAY is set); run it "
            "under `xvfb-run -a pointcam-gui ...`, or use `pointcam explain PART --screenshot "
            "OUT.png` for a picture without a window")


def configure_logging(verbose: bool) -> None:
    logging.basicConfig(level=logging.DEBUG if verbose else logging.WARNING,
                        format="%(asctime)s %(levelname)s %(name)s: %(message)s")


def main(argv: Sequence[str] | None = None) -> int:
    args = parse_args(sys.argv[1:] if argv is None else argv)
    reason = no_display_reason()
    if reason is not None:
        print(reason, file=sys.stderr)
        return 2
    configure_logging(args.verbose)

    from PySide6.QtCore import QCoreApplication
    from PySide6.QtGui import QIcon
    from PySide6.QtWidgets import QApplication

    QCoreApplication.setOrganizationName(ORGANIZATION)
    QCoreApplication.setApplicationName(APPLICATION)
    QCoreApplication.setApplicationVersion(__version__)
    app = QApplication(sys.argv[:1])
    app.setDesktopFileName(APP_ID)  # the .desktop entry (packaging/linux): icon and grouping

    from pointcam_gui import resources
    from pointcam_gui.gui.main_window import MainWindow

    icon = resources.icon_path()
    if icon.is_file():
        app.setWindowIcon(QIcon(str(icon)))
    screenshot_mode = args.screenshot is not None
    window = MainWindow(weights=args.weights, device=args.device, remember=not screenshot_mode,
                        dark=True if args.dark else None)
    if args.method is not None:
        window.set_method(args.method)
    window.show()
    if screenshot_mode:
        from pointcam_gui.gui.screenshot_run import ScreenshotRun

        run = ScreenshotRun(window, args.screenshot, SCREENSHOT_TIMEOUT_MS)
        if _open(window, args) is not None:  # else the run has said why and set its code
            app.exec()
        return run.exit_code
    if args.parts:
        _open(window, args)
    return app.exec()


def _open(window: MainWindow, args: argparse.Namespace) -> object:
    """The parts of the command line: one (with --target), or a part list."""
    if len(args.parts) == 1 and not args.parts[0].is_dir():
        return window.open_path(args.parts[0], target=args.target)
    return window.open_paths(args.parts)


if __name__ == "__main__":
    sys.exit(main())
