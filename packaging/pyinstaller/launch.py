"""The frozen app's one entry point: `pointcam-gui` opens the window, `pointcam` is the CLI.

Both executables of the bundle run this script and look at the name they were called by (on
Linux and macOS `pointcam` is a symbolic link to `pointcam-gui`, so that name is argv[0]). The
worker processes PointCAM starts (the viewer's loader, `pointcam batch`'s pool) are spawned
from the same executable, so `freeze_support` must run first: it turns such a child into the
worker it was started as instead of a second window.
"""

import multiprocessing
import sys
from pathlib import Path


def main() -> int:
    multiprocessing.freeze_support()
    name = Path(sys.argv[0]).name.lower()
    if name.startswith("pointcam-gui"):
        from pointcam_gui.gui.app import main as run
    else:
        from pointcam_gui.cli import main as run
    return int(run() or 0)


if __name__ == "__main__":
    sys.exit(main())
