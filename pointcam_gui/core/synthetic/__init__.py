"""The procedural part catalogue: one builder per class, merged from the family modules.

``generate_part(class_name, seed)`` is the one entry point the dataset writer and the tests use:
the same (class, seed) always gives the same part, and different seeds give different parts.
Family modules are imported lazily, so a family that fails to import costs only its own classes
(logged once) and asking for one of them raises a ``DatasetError`` that names the module.
"""

from __future__ import annotations

import importlib
import logging
from collections.abc import Callable

import numpy as np
import trimesh

from pointcam_gui.core.classes import PART_CLASSES
from pointcam_gui.core.errors import DatasetError

__all__ = ["FAMILIES", "GENERATOR_VERSION", "OTHER_KINDS", "PART_CLASSES", "Builder", "builders",
           "generate_other", "generate_part"]

log = logging.getLogger(__name__)

Builder = Callable[[np.random.Generator], trimesh.Trimesh]

# Bump when a family changes what a (class, seed) produces: datasets record which parts they hold.
GENERATOR_VERSION = "6"

# Family module -> the classes it should build (names the culprit when one is missing).
FAMILIES: dict[str, tuple[str, ...]] = {
    "nuts": ("Hexagonal nuts",),
    "washers": ("Thrust washers",),
    "pins": ("Cylindrical pins",),
    "screws": ("Tapping screws",),
    "bearings": ("Radial contact ball bearings",),
    "wheels": ("Wheel",),
    "castors": ("Castor",),
    "hooks": ("Hook",),
    "clamps": ("Clamps",),
    "fittings": ("Elbow fitting", "T-shape fitting"),
    "joints": ("Articulations, eyelets and other articulated joints",),
}

_failed: dict[str, str] = {}


def builders() -> dict[str, Builder]:
    """Every available class builder, keyed by the exact names in ``PART_CLASSES``."""
    merged: dict[str, Builder] = {}
    for family in FAMILIES:
        try:
            module = importlib.import_module(f"{__name__}.{family}")
        except ImportError as exc:
            if family not in _failed:
                log.warning("part family %r unavailable: %s", family, exc)
            _failed[family] = f"{type(exc).__name__}: {exc}"
            continue
        for name, build in getattr(module, "BUILDERS", {}).items():
            if name not in PART_CLASSES:
                log.warning("family %r builds unknown class %r; ignored", family, name)
                continue
            merged[name] = build
    return merged


def _builder(class_name: str) -> Builder:
    if class_name not in PART_CLASSES:
        raise DatasetError(f"Unknown part class {class_name!r}; expected one of the "
                           f"{len(PART_CLASSES)} names in pointcam_gui.core.classes.")
    found = builders().get(class_name)
    if found is None:
        family = next((f for f, names in FAMILIES.items() if class_name in names), "?")
        reason = _failed.get(family, "it defines no builder for this class")
        raise DatasetError(f"No generator for {class_name!r}: family module "
                           f"'synthetic.{family}' is unavailable ({reason}).")
    return found


def generate_part(class_name: str, seed: int, *, vary: bool = True) -> trimesh.Trimesh:
    """One deterministic part of ``class_name`` for ``seed``, in millimetres unless ``vary``.

    The part and its variety draw from two independent streams of one seed sequence, so the
    same (class, seed) gives the same underlying part with and without variety.
    """
    return _seeded(_builder(class_name), PART_CLASSES.index(class_name), seed, vary,
                   "class_name", class_name)


def _seeded(build: Builder, stream: int, seed: int, vary: bool, label: str,
            name: str) -> trimesh.Trimesh:
    """Build from the part stream of SeedSequence([stream, seed]), then (``vary``) apply the
    variety stage from its sibling stream; record ``label``: ``name``, sub-type and seed."""
    part_seq, variety_seq = np.random.SeedSequence([stream, int(seed)]).spawn(2)
    mesh = build(np.random.default_rng(part_seq))
    subtype = str(mesh.metadata.get("subtype", ""))
    if vary:
        from pointcam_gui.core.synthetic.variety import vary as apply_variety

        mesh = apply_variety(mesh, np.random.default_rng(variety_seq))
    else:
        mesh.metadata["units"] = "mm"
    mesh.metadata.update({label: name, "subtype": subtype, "seed": int(seed)})
    return mesh


# Outlier kinds (``synthetic.others``): parts that are none of the classes, for outlier exposure.
OTHER_KINDS: tuple[str, ...] = ("gear", "pulley", "bracket", "plate", "spacer", "knob",
                                "machine_screw", "spring", "shaft", "coupling", "housing",
                                "extrusion")


def generate_other(kind: str, seed: int, *, vary: bool = True) -> trimesh.Trimesh:
    """One deterministic outlier part of ``kind`` (one of ``OTHER_KINDS``) for ``seed``.

    Seeded like ``generate_part`` but from its own sequences (1000 + kind index), so an outlier
    never shares a stream with a class part; ``metadata["kind"]`` names the kind.
    """
    if kind not in OTHER_KINDS:
        raise DatasetError(f"Unknown outlier kind {kind!r}; expected one of {OTHER_KINDS}.")
    from pointcam_gui.core.synthetic.others import OTHER_BUILDERS

    return _seeded(OTHER_BUILDERS[kind], 1000 + OTHER_KINDS.index(kind), seed, vary, "kind",
                   kind)
