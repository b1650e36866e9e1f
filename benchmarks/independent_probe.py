"""Out-of-generator probe: one part per class, modelled from plain trimesh primitives by code that
shares nothing with pointcam_gui.core.synthetic, classified by a model (not part of the tests).

    python benchmarks/independent_probe.py [--weights W] [--rotations 8]

The shipped model only ever saw generated parts. These simple, differently-built parts show how
it treats geometry the generator did not make (no chamfers, other proportions, other
tessellation); each is also classified in several random orientations and at metre scale.
"""

from __future__ import annotations

import argparse

import numpy as np
import trimesh
from shapely.geometry import Point, Polygon

from pointcam_gui.core import Classifier
from pointcam_gui.core.classes import PART_CLASSES

creation = trimesh.creation


def _tube(r_in: float, r_out: float, h: float) -> trimesh.Trimesh:
    return creation.annulus(r_min=r_in, r_max=r_out, height=h, sections=48)


def _at(mesh: trimesh.Trimesh, *xyz: float) -> trimesh.Trimesh:
    mesh.apply_translation(xyz)
    return mesh


def _turned(mesh: trimesh.Trimesh, angle: float,
            axis: tuple[float, float, float]) -> trimesh.Trimesh:
    mesh.apply_transform(trimesh.transformations.rotation_matrix(angle, axis))
    return mesh


def _arc(radius: float, a0: float, a1: float, n: int = 40) -> np.ndarray:
    t = np.linspace(a0, a1, n)
    return np.column_stack([radius * np.cos(t), np.zeros(n), radius * np.sin(t)])


def _rod(path: np.ndarray, r: float) -> trimesh.Trimesh:
    return creation.sweep_polygon(Point(0, 0).buffer(r, 8), path)


def cat(meshes: list[trimesh.Trimesh]) -> trimesh.Trimesh:
    out = trimesh.util.concatenate(meshes)
    assert isinstance(out, trimesh.Trimesh)
    return out


def parts() -> dict[str, trimesh.Trimesh]:
    eye = _turned(creation.torus(12, 3.5), np.pi / 2, (1, 0, 0))
    hexagon = Polygon([(13 * np.cos(a), 13 * np.sin(a)) for a in np.arange(6) * np.pi / 3])
    nut = creation.extrude_polygon(hexagon.difference(Point(0, 0).buffer(6.5, 16)), 10)
    balls = [_at(creation.icosphere(2, radius=4), 24 * np.cos(a), 24 * np.sin(a), 0)
             for a in np.linspace(0, 2 * np.pi, 10, endpoint=False)]
    ring = Polygon(Point(0, 0).buffer(20, 12).exterior, [Point(0, 0).buffer(16, 12).exterior])
    elbow = creation.sweep_polygon(ring, _arc(60, 0, np.pi / 2))
    shank = np.column_stack([np.full(30, 30.0), np.zeros(30), np.linspace(160, 41, 30)])
    hook_path = np.vstack([shank, _arc(30, 0, -np.pi * 1.2)[1:] + np.array([0.0, 0.0, 40.0])])
    wheel = cat([_turned(creation.torus(90, 22), 0, (1, 0, 0)), _tube(20, 75, 18),
                 _tube(12, 22, 50)])
    castor_wheel = _turned(cat([creation.torus(35, 10), _tube(8, 28, 14)]), np.pi / 2, (1, 0, 0))
    screw_rings = [creation.torus(4.2, 0.8, major_sections=24, minor_sections=8)
                   for _ in range(14)]
    for i, r in enumerate(screw_rings):
        _at(r, 0, 0, 2 + 2.0 * i)
    return {
        "Articulations, eyelets and other articulated joints":
            cat([_at(eye, 0, 0, 62), _at(creation.cylinder(5, 50, sections=24), 0, 0, 25),
                 _at(creation.cylinder(9, 4), 0, 0, 48)]),
        "Castor": cat([_at(creation.box((110, 90, 5)), 0, 0, 100),
                       _at(creation.box((4, 60, 90)), 22, 0, 52),
                       _at(creation.box((4, 60, 90)), -22, 0, 52),
                       _at(castor_wheel, 0, 0, 40)]),
        "Clamps": cat([_rod(np.vstack([[[-30, 0, 120], [-30, 0, 40]], _arc(30, np.pi, 2 * np.pi),
                                       [[30, 0, 40], [30, 0, 120]]]), 5),
                       _at(creation.box((100, 20, 10)), 0, 0, 90)]),
        "Cylindrical pins": creation.cylinder(4, 40, sections=32),
        "Elbow fitting": elbow,
        "Hexagonal nuts": nut,
        "Hook": _rod(hook_path, 7),
        "Radial contact ball bearings": cat([_tube(14, 20, 12), _tube(28, 34, 12), *balls]),
        "Tapping screws": cat([_at(creation.cylinder(3.5, 32, sections=24), 0, 0, 16),
                               _at(creation.cylinder(8, 4, sections=32), 0, 0, 34),
                               *screw_rings]),
        "Thrust washers": _tube(15, 30, 3),
        "T-shape fitting": cat([_turned(_tube(16, 20, 120), np.pi / 2, (0, 1, 0)),
                                _at(_tube(16, 20, 60), 0, 0, 30)]),
        "Wheel": wheel,
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--weights", help="weights file (default: the shipped model)")
    parser.add_argument("--rotations", type=int, default=8)
    args = parser.parse_args()
    clf = Classifier.load(args.weights, device="cpu")
    rng = np.random.default_rng(0)
    total = correct = 0
    print("| part (true class) | as modelled | random orientations | in metres |")
    print("|---|---|---|---|")
    for name, mesh in parts().items():
        truth = PART_CLASSES.index(name)
        straight = clf.explain(clf.sample(mesh))
        turned = []
        for _ in range(args.rotations):
            m = mesh.copy()
            m.apply_transform(trimesh.transformations.random_rotation_matrix(rng.random(3)))
            turned.append(clf.explain(clf.sample(m)).predicted == truth)
        metres = mesh.copy()
        metres.apply_scale(0.001)
        in_m = clf.explain(clf.sample(metres)).predicted == truth
        verdict = "right" if straight.predicted == truth else \
            f"wrong: {clf.class_names[straight.predicted]}"
        p = straight.probabilities[straight.predicted]
        print(f"| {name} | {verdict} ({100 * p:.0f}%) | {sum(turned)}/{len(turned)} "
              f"| {'right' if in_m else 'wrong'} |")
        total += 2 + len(turned)
        correct += (straight.predicted == truth) + sum(turned) + in_m
    print(f"\n{correct}/{total} classifications right ({100 * correct / total:.0f}%)")


if __name__ == "__main__":
    main()
