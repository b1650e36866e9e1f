"""Outlier parts: plausible mechanical parts that are none of the twelve classes.

Trained on as an "other" set (outlier exposure), they teach the classifier to be unsure of a
gear, a bracket or a spring instead of forcing it into the nearest class. Each kind draws one
of several sub-types over wide catalogue-like ranges, in millimetres, deterministic per seed,
labelled in ``mesh.metadata["subtype"]``. Kinds are kept clear of the classes: no V-pulleys
(a Wheel), no thin plain rings (washers), no plain rods (pins), no hex bodies (nuts), and no
pointed coarse-thread screws (tapping screws).
"""

from __future__ import annotations

from pointcam_gui.core.synthetic import Builder
from pointcam_gui.core.synthetic.others_frames import (
    EXTRUSION_KINDS,
    HOUSING_KINDS,
    extrusion,
    housing,
)
from pointcam_gui.core.synthetic.others_knobs import KNOB_KINDS, knob
from pointcam_gui.core.synthetic.others_rotary import GEAR_KINDS, PULLEY_KINDS, gear, pulley
from pointcam_gui.core.synthetic.others_sheet import BRACKET_KINDS, PLATE_KINDS, bracket, plate
from pointcam_gui.core.synthetic.others_turned import (
    COUPLING_KINDS,
    SHAFT_KINDS,
    SPACER_KINDS,
    coupling,
    shaft,
    spacer,
)
from pointcam_gui.core.synthetic.others_wound import (
    SCREW_KINDS,
    SPRING_KINDS,
    machine_screw,
    spring,
)

__all__ = ["OTHER_BUILDERS", "OTHER_SUBTYPES"]

# Kind slug -> builder(rng, kind=None); the order is the one ``OTHER_KINDS`` exposes.
OTHER_BUILDERS: dict[str, Builder] = {
    "gear": gear, "pulley": pulley, "bracket": bracket, "plate": plate, "spacer": spacer,
    "knob": knob, "machine_screw": machine_screw, "spring": spring, "shaft": shaft,
    "coupling": coupling, "housing": housing, "extrusion": extrusion,
}

# Kind slug -> its sub-type draw weights (each builder also takes one of these as ``kind``).
OTHER_SUBTYPES: dict[str, dict[str, float]] = {
    "gear": GEAR_KINDS, "pulley": PULLEY_KINDS, "bracket": BRACKET_KINDS, "plate": PLATE_KINDS,
    "spacer": SPACER_KINDS, "knob": KNOB_KINDS, "machine_screw": SCREW_KINDS,
    "spring": SPRING_KINDS, "shaft": SHAFT_KINDS, "coupling": COUPLING_KINDS,
    "housing": HOUSING_KINDS, "extrusion": EXTRUSION_KINDS,
}
