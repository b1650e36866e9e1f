"""The pyvista scene shared by CLI screenshots and the viewer's viewport; never imports Qt."""
