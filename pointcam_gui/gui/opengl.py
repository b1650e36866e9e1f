"""The process's OpenGL set-up for the 3D view, and which OpenGL renderer it runs on."""

from __future__ import annotations

import logging

from PySide6.QtGui import QSurfaceFormat

log = logging.getLogger(__name__)
SOFTWARE_RENDERERS = ("llvmpipe", "softpipe", "swiftshader", "software")


def install_gl_format() -> None:
    """Make the process-wide GL format the one pyvistaqt's widget needs (desktop GL 3.2 core).

    It must be set before the top-level window is created, and the 3D widget is created only
    after the window first paints, so the window sets it up front (same values as pyvistaqt's
    ``rwi._default_format``; importing that module would pull in VTK at startup).
    """
    fmt = QSurfaceFormat()
    fmt.setRenderableType(QSurfaceFormat.RenderableType.OpenGL)
    fmt.setProfile(QSurfaceFormat.OpenGLContextProfile.CoreProfile)
    fmt.setVersion(3, 2)
    fmt.setSwapBehavior(QSurfaceFormat.SwapBehavior.DoubleBuffer)
    for setter in (fmt.setRedBufferSize, fmt.setGreenBufferSize, fmt.setBlueBufferSize,
                   fmt.setDepthBufferSize, fmt.setAlphaBufferSize):
        setter(8)
    fmt.setStencilBufferSize(0)
    fmt.setSamples(0)  # multisampling happens in VTK's framebuffers
    QSurfaceFormat.setDefaultFormat(fmt)


def opengl_renderer() -> str | None:
    """The OpenGL renderer's name from a throw-away Qt context (~40 ms), or None. Asking VTK
    needs a first frame, which under software GL would be drawn multisampled: seconds for a
    big part."""
    from PySide6.QtGui import QOffscreenSurface, QOpenGLContext

    surface = QOffscreenSurface()
    surface.create()
    context = QOpenGLContext()
    try:
        if not context.create() or not context.makeCurrent(surface):
            return None
        name = context.functions().glGetString(0x1F01)  # GL_RENDERER
        context.doneCurrent()
        return str(name) if name else None
    except Exception:  # a nicety: the first frame's capability report is the fallback
        log.debug("no OpenGL renderer name from Qt", exc_info=True)
        return None
    finally:
        surface.destroy()


def is_software(renderer: str) -> bool:
    return any(name in renderer.lower() for name in SOFTWARE_RENDERERS)
