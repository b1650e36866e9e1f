"""Outlier hand knobs: lobed, star, knurled, fluted and ball knobs on a boss.

A grip outline (lobes, scallops, knurl or flutes) is extruded and crowned by a revolved
envelope; a boss below carries a blind bore for a threaded insert or a moulded-in stud. No
knob is hexagonal or flat enough to read as a nut or a washer. Axis along +Z, grip up.
"""

from __future__ import annotations

import numpy as np
import trimesh
from shapely.geometry import Polygon

from pointcam_gui.core.synthetic import shapes as sh
from pointcam_gui.core.synthetic.catalogue import centred, loguniform, pick
from pointcam_gui.core.synthetic.others_profiles import extrude, polar
from pointcam_gui.core.synthetic.threads import threaded_rod

Mesh = trimesh.Trimesh
Rng = np.random.Generator

KNOB_KINDS = {"lobed": 1.2, "star": 1.2, "knurled": 1.0, "fluted": 0.8, "ball": 0.5}


def _grip(kind: str, rad: float, rng: Rng) -> tuple[Polygon, int]:
    """The grip outline and how many points it was sampled at."""
    if kind == "lobed":  # 3-6 round lobes
        n = int(rng.integers(3, 7))
        depth = rng.uniform(0.2, 0.35)
        k = n * 16

        def r(t: np.ndarray) -> np.ndarray:
            return rad * (1 - depth * np.abs(np.sin(n * t / 2)) ** 1.5)
    elif kind == "star":  # 5-8 points with scalloped gaps
        n = int(rng.integers(5, 9))
        depth = rng.uniform(0.25, 0.4)
        k = n * 16

        def r(t: np.ndarray) -> np.ndarray:
            return rad * (1 - depth * np.abs(np.sin(n * t / 2)) ** 0.6)
    elif kind == "knurled":  # fine straight knurl
        n = int(np.clip(rad * rng.uniform(2.0, 4.0), 24, 90))
        depth = min(0.06, 0.8 / rad + 0.02)
        k = n * 4

        def r(t: np.ndarray) -> np.ndarray:
            return rad * (1 - depth * np.abs(np.sin(n * t / 2)))
    else:  # fluted control knob: shallow round flutes
        n = int(rng.integers(12, 30))
        depth = rng.uniform(0.04, 0.08)
        k = n * 8

        def r(t: np.ndarray) -> np.ndarray:
            return rad * (1 - depth * np.clip(np.cos(n * t), 0, 1) ** 2)
    return polar(r, k), k


def knob(rng: Rng, kind: str | None = None) -> Mesh:
    kind = kind or pick(rng, KNOB_KINDS)
    sec = sh.sections(rng, 24, 80)
    rad = loguniform(rng, 8, 40)
    h = rad * rng.uniform(0.5, 1.0)
    rb = rad * rng.uniform(0.3, 0.5)
    hb = rad * rng.uniform(0.3, 0.9)
    if kind == "ball":
        body = sh.sphere(rad, (0, 0, hb + rad * 0.85), 3)
    else:
        grip, _ = _grip(kind, rad, rng)
        body = extrude(grip, h, hb - 0.01)
        crown = rad * rng.uniform(0.08, 0.35)
        taper = rad * (rng.uniform(0.05, 0.15) if kind == "fluted" else 0.0)
        top = hb + h
        env = [(0.0, hb - 1), (rad * 1.1, hb - 1), (rad * 1.1, hb), (rad - taper + 0.02, hb),
               (rad * 1.1 - taper, top - crown), (rad * 0.75 - taper, top),
               (0.0, top + crown * 0.3)]
        if kind == "fluted":
            env[3:5] = [(rad * 1.1, hb), (rad * 1.1 - taper * 2, top - crown)]
        body = sh.intersection(body, sh.revolve(env, sec))
    boss_r = rb * rng.uniform(1.0, 1.4)
    body = sh.union(body, sh.cylinder(boss_r, hb + rad * 0.1, sec))
    stud = rng.random() < 0.45
    if stud:
        sr = rb * rng.uniform(0.4, 0.6)
        rod = threaded_rod(sr, rad * rng.uniform(0.8, 2.2), rng, min(sec, 32))
        body = sh.union(body, sh.moved(rod, [0, 0, -float(rod.bounds[1, 2]) + 0.01]))
    else:
        bore = rb * rng.uniform(0.35, 0.6)
        body = sh.difference(body, sh.cylinder(bore, hb + h * 0.4, sec, -1))
    if kind == "fluted" and rng.random() < 0.7:  # pointer line on the top
        top = float(body.bounds[1, 2])
        body = sh.difference(body, sh.box([rad * 0.8, rad * 0.08, rad * 0.1],
                                          [rad * 0.45, 0, top]))
    return centred(body, f"{kind}_{'stud' if stud else 'bored'}_knob")
