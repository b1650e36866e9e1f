"""Render a contact sheet of generated parts: one row per class, a few seeds per row.

Looking at the parts is how a generator bug (a closed bore, a wheel that looks like a washer)
gets noticed. Run headless with:  xvfb-run -a python scripts/contact_sheet.py
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

import numpy as np


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", type=Path, default=Path("docs/contact_sheet.png"))
    parser.add_argument("--per-row", type=int, default=6, help="parts per class (default 6)")
    parser.add_argument("--seed", type=int, default=0, help="first seed (default 0)")
    parser.add_argument("--vary", action="store_true",
                        help="apply the export-look variety (rotation, units, damage)")
    parser.add_argument("--cell", type=int, default=210, help="cell size in pixels")
    args = parser.parse_args(argv)

    import pyvista as pv

    from pointcam_gui.core.classes import PART_CLASSES, SLUGS
    from pointcam_gui.core.synthetic import generate_part

    rows, cols = len(PART_CLASSES), args.per_row
    plotter = pv.Plotter(off_screen=True, shape=(rows, cols), border=False,
                         window_size=[cols * args.cell, rows * args.cell])
    plotter.set_background("#f4f4f0")  # type: ignore[arg-type]  # pyvista stubs
    for r, name in enumerate(PART_CLASSES):
        for c in range(cols):
            mesh = generate_part(name, args.seed + c, vary=args.vary)
            plotter.subplot(r, c)
            plotter.add_mesh(pv.wrap(mesh), color="#8fa8c8", smooth_shading=False,
                             specular=0.2)
            size = float(np.ptp(mesh.vertices, axis=0).max())
            plotter.add_text(f"{SLUGS[name]}\n{mesh.metadata.get('subtype', '')}  "
                             f"{size:.3g} {mesh.metadata.get('units', 'mm')}",
                             font_size=6, color="#202020")
            plotter.view_isometric()  # type: ignore[call-arg]
            plotter.reset_camera()  # type: ignore[call-arg]
    args.out.parent.mkdir(parents=True, exist_ok=True)
    plotter.screenshot(str(args.out))
    plotter.close()
    print(args.out)
    return 0


if __name__ == "__main__":
    sys.exit(main())
