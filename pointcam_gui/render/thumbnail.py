"""Small heat pictures of parts for the batch report, rendered off-screen (no window needed)."""

from __future__ import annotations

import io
from typing import TYPE_CHECKING

from pointcam_gui.render.offscreen import render_image
from pointcam_gui.render.style import SceneStyle

if TYPE_CHECKING:
    from pointcam_gui.core.analysis import Analysis

SIZE = (240, 180)


def thumbnail(analysis: Analysis) -> bytes:
    """The predicted class's heat on the part, iso view, as JPEG bytes (a few kB each: a report
    of thousands of parts stays one file a browser opens)."""
    from PIL import Image  # pyvista's own dependency for image output

    image = render_image(analysis, analysis.predicted, size=SIZE, style=SceneStyle(),
                         annotate=False)
    out = io.BytesIO()
    Image.fromarray(image[..., :3]).save(out, format="JPEG", quality=85)
    return out.getvalue()
