"""Write the shipped sample parts: one generated part per class, resources/samples/<slug>.stl.

    python scripts/make_samples.py [--out resources/samples]

Seeds come from a range the training datasets never use (dataset seeds are hashed per part;
see core/training/generation.part_seed), parts stay in millimetres with their main axis on +Z, as a
CAD export would be, and each file stays small. A few classes prefer the sub-type that reads
best in a demo (a crane hook, as in the seed document's example; a spoked wheel).
"""

from __future__ import annotations

import argparse
from pathlib import Path

from pointcam_gui.core.classes import PART_CLASSES, SLUGS
from pointcam_gui.core.synthetic import generate_part

FIRST_SEED = 900_000
MAX_FACES = 9_000
PREFERRED = {
    "Hook": ("eye_hook", "shank_hook"),
    "Wheel": ("spoked_tyred", "disc_tyred"),
    "Castor": ("swivel_plate", "swivel_plate_brake"),
    "Radial contact ball bearings": ("open_caged",),
    "Hexagonal nuts": ("flanged_nut", "double_chamfer_nut", "plain_nut"),
    "Tapping screws": ("pan_cross_cone_screw", "pan_cross_flat_screw"),
    "Elbow fitting": ("socket_elbow", "butt_weld_elbow", "threaded_elbow"),
    "T-shape fitting": ("threaded_tee", "socket_tee", "flanged_tee"),
    "Clamps": ("c_clamp",),
    "Articulations, eyelets and other articulated joints": ("rod_end", "eye_bolt"),
    "Cylindrical pins": ("clevis_pin", "dowel_pin"),
    "Thrust washers": ("oil_grooved_washer", "thrust_washer"),
}


def pick(class_name: str, tries: int = 400) -> tuple[int, object]:
    wanted = PREFERRED.get(class_name, ())
    fallback = None
    for seed in range(FIRST_SEED, FIRST_SEED + tries):
        mesh = generate_part(class_name, seed, vary=False)
        if len(mesh.faces) > MAX_FACES:
            continue
        subtype = str(mesh.metadata.get("subtype", ""))
        if not wanted or any(subtype.startswith(w) for w in wanted):
            return seed, mesh
        fallback = fallback or (seed, mesh)
    if fallback is None:
        raise SystemExit(f"no part of {class_name!r} under {MAX_FACES} faces")
    return fallback


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", type=Path, default=Path("resources/samples"))
    args = parser.parse_args()
    args.out.mkdir(parents=True, exist_ok=True)
    for name in PART_CLASSES:
        seed, mesh = pick(name)
        path = args.out / f"{SLUGS[name]}.stl"
        mesh.export(path)  # type: ignore[attr-defined]
        print(f"{path}  seed {seed}  {mesh.metadata['subtype']}  "  # type: ignore[attr-defined]
              f"{len(mesh.faces)} faces  {path.stat().st_size // 1024} KiB")  # type: ignore[attr-defined]


if __name__ == "__main__":
    main()
