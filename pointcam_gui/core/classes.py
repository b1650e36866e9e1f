"""The 12 mechanical-part classes of the shipped model, in the model's output order."""

from __future__ import annotations

PART_CLASSES: tuple[str, ...] = (
    "Articulations, eyelets and other articulated joints",
    "Castor",
    "Clamps",
    "Cylindrical pins",
    "Elbow fitting",
    "Hexagonal nuts",
    "Hook",
    "Radial contact ball bearings",
    "Tapping screws",
    "Thrust washers",
    "T-shape fitting",
    "Wheel",
)

# Short file-friendly names, used for the shipped samples (``hook.stl``) and on the command line.
SLUGS: dict[str, str] = {
    PART_CLASSES[0]: "articulation",
    PART_CLASSES[1]: "castor",
    PART_CLASSES[2]: "clamp",
    PART_CLASSES[3]: "cylindrical_pin",
    PART_CLASSES[4]: "elbow_fitting",
    PART_CLASSES[5]: "hexagonal_nut",
    PART_CLASSES[6]: "hook",
    PART_CLASSES[7]: "ball_bearing",
    PART_CLASSES[8]: "tapping_screw",
    PART_CLASSES[9]: "thrust_washer",
    PART_CLASSES[10]: "t_fitting",
    PART_CLASSES[11]: "wheel",
}
