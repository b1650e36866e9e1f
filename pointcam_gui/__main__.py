"""``python -m pointcam_gui``: the desktop viewer (the same as ``pointcam-gui``)."""

from __future__ import annotations

import sys

from pointcam_gui.gui.app import main

if __name__ == "__main__":
    sys.exit(main())
