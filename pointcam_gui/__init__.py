"""PointCAM: which mechanical-part class a PointNet sees in a CAD part, and why (Grad-CAM)."""

__version__ = "0.1.0"
