"""The 12 mechanical-part classes of the shipped model, in output order; a class by name."""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np

from pointcam_gui.core.errors import PointCAMError

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


def find_class(names: Sequence[str], target: str | int) -> int:
    """The index in ``names`` of a class given by index, by name (case-insensitive) or by a
    unique prefix of its name; otherwise a one-line PointCAMError."""
    if isinstance(target, (int, np.integer)) or str(target).strip().isdigit():
        index = int(target)
        if 0 <= index < len(names):
            return index
        raise PointCAMError(f"class index {index} is out of range 0..{len(names) - 1}")
    key = str(target).strip().casefold()
    exact = [i for i, n in enumerate(names) if n.casefold() == key]
    if exact:
        return exact[0]
    matches = [i for i, n in enumerate(names) if n.casefold().startswith(key)] if key else []
    if len(matches) == 1:
        return matches[0]
    if matches:
        options = "; ".join(names[i] for i in matches)
        raise PointCAMError(f"class {target!r} is ambiguous: {options}")
    raise PointCAMError(f"unknown class {target!r} (see `pointcam classes`)")


def percent(probability: float, decimals: int = 1, sign: str = " %") -> str:
    """A probability as people read it: ``83.0 %``; never 100 or 0 when rounding alone would
    say so, since a model is never certain (``> 99.9 %``, ``< 0.1 %``)."""
    value, step = 100.0 * float(probability), 10.0 ** -decimals
    if value >= 100.0 - step / 2:
        return f"> {100.0 - step:.{decimals}f}{sign}"
    if value < step / 2:
        return f"< {step:.{decimals}f}{sign}"
    return f"{value:.{decimals}f}{sign}"
