"""Toggle clamps: the vertical hold-down kind (handle raised, round grip) and the horizontal
kind (a flat handle lying back over a compact body), each holding a spindle with a rubber tip.

Their links, nuts and spindles come from ``hardware`` and ``threads``, as the other clamps'.
"""

from __future__ import annotations

import numpy as np
import trimesh

from pointcam_gui.core.synthetic import shapes as sh
from pointcam_gui.core.synthetic.catalogue import centred
from pointcam_gui.core.synthetic.hardware import bar_between, hex_nut
from pointcam_gui.core.synthetic.shapes import difference as cut
from pointcam_gui.core.synthetic.shapes import union as fuse
from pointcam_gui.core.synthetic.threads import threaded_rod

Mesh = trimesh.Trimesh


def _spindle(rng: np.random.Generator, sd: float, sl: float, arm_t: float, k: int) -> Mesh:
    """A threaded spindle through an arm of thickness ``arm_t`` (at z = 0), locked by two nuts,
    with a rubber tip at its lower end."""
    spindle = threaded_rod(sd / 2, sl, rng, k, -sl * 0.6)
    nuts = [hex_nut(1.6 * sd, 0.8 * sd, sd / 2, k, z) for z in (arm_t * 0.5, -arm_t * 0.5 - sd)]
    tip_z = -sl * 0.6
    rubber = sh.revolve([(0, tip_z - sd * 1.2), (sd * 1.4, tip_z - sd * 1.2),
                         (sd * 1.0, tip_z + sd * 0.2), (0, tip_z + sd * 0.2)], k)
    return sh.combine(spindle, rubber, *nuts)


def toggle_clamp(rng: np.random.Generator) -> Mesh:
    """Hold-down toggle clamp: base with brackets, arm, handle with grip, spindle with tip."""
    k = sh.sections(rng, 10, 32)
    s = rng.uniform(0.5, 2.5)  # catalogue sizes scale roughly together
    lb, wb, tb = 60 * s * rng.uniform(0.8, 1.2), 30 * s * rng.uniform(0.8, 1.2), 3 * s
    h = 25 * s * rng.uniform(0.8, 1.3)
    gap, pt = wb * 0.4, 2.5 * s
    base = sh.box([lb, wb, tb], [0, 0, tb / 2])
    holes = [sh.cylinder(2.5 * s, tb * 3, 12, -tb).apply_translation([x, y, 0])
             for x in (-lb * 0.35, lb * 0.05) for y in (-wb * 0.3, wb * 0.3)]
    parts = [cut(base, *holes)]
    for y in (-1, 1):
        plate = sh.box([lb * 0.45, pt, h], [-lb * 0.1, y * (gap / 2 + pt / 2), tb + h / 2])
        parts.append(plate)
    pivot = np.array([lb * 0.05, 0, tb + h * 0.85])
    arm_len = lb * rng.uniform(0.9, 1.6)
    lift = np.radians(rng.uniform(-5, 60))
    tip = pivot + arm_len * np.array([np.cos(lift), 0, np.sin(lift)])
    arm_t = 6 * s
    arm = sh.box([arm_len, gap * 0.95, arm_t], [arm_len / 2, 0, 0])
    if rng.random() < 0.6:  # U-bar arm: a slot for the spindle to slide along
        arm = cut(arm, sh.box([arm_len * 0.6, gap * 0.35, arm_t * 3], [arm_len * 0.65, 0, 0]))
    parts.append(sh.moved(sh.rotated(arm, -lift, [0, 1, 0]), pivot))
    hang = np.radians(rng.uniform(100, 170))
    hl = lb * rng.uniform(1.0, 1.6)
    hp = pivot + np.array([-lb * 0.25, 0, -h * 0.1])
    hend = hp + hl * np.array([np.cos(hang), 0, np.sin(hang)])
    parts.append(bar_between(hp, hend, gap * 0.8, 5 * s))
    grip = sh.cylinder_between(hp + 0.5 * (hend - hp), hend, 6 * s * rng.uniform(0.9, 1.3), k)
    parts.append(fuse(grip, sh.sphere(6 * s, hend, 1)))
    axle = np.array([0, wb * 0.5, 0])
    parts.append(sh.cylinder_between(pivot - axle, pivot + axle, 2 * s, k))
    sd = 4 * s * rng.uniform(0.8, 1.5)
    sl = h * rng.uniform(1.0, 2.0)
    at = tip - np.array([arm_len * 0.15 * np.cos(lift), 0, arm_len * 0.15 * np.sin(lift)])
    parts.append(sh.moved(_spindle(rng, sd, sl, arm_t, k), at))
    return centred(sh.combine(*parts), "toggle_clamp")


def horizontal_toggle_clamp(rng: np.random.Generator) -> Mesh:
    """Horizontal hold-down toggle clamp: a compact body on a square base plate, a straight
    clamping bar held out level, and a flat handle lying back over the body."""
    k = sh.sections(rng, 10, 32)
    s = rng.uniform(0.5, 2.5)  # catalogue sizes scale roughly together
    lb, wb, tb = 40 * s * rng.uniform(0.8, 1.3), 40 * s * rng.uniform(0.8, 1.2), 3 * s
    holes = [sh.cylinder(2.5 * s, tb * 3, 12, -tb).apply_translation([x, y, 0])
             for x in (-lb * 0.35, lb * 0.35) for y in (-wb * 0.35, wb * 0.35)]
    parts = [cut(sh.box([lb, wb, tb], [0, 0, tb / 2]), *holes)]
    h = 30 * s * rng.uniform(0.8, 1.3)  # the body: a block, or a U-channel of two plates
    gap = wb * rng.uniform(0.25, 0.4)
    body = sh.box([lb * rng.uniform(0.5, 0.8), gap * rng.uniform(1.6, 2.2), h],
                  [0, 0, tb + h / 2])
    if rng.random() < 0.5:
        body = cut(body, sh.box([lb, gap, h], [0, 0, tb + h * 0.75]))
    parts.append(body)
    arm_t, arm_w = 8 * s * rng.uniform(0.8, 1.5), gap * rng.uniform(0.9, 1.4)
    arm_len = lb * rng.uniform(1.5, 3.0)
    z_arm = tb + h * rng.uniform(0.55, 0.9)
    back = lb * rng.uniform(0.1, 0.4)  # the bar reaches back past the body's pivot
    arm = sh.box([arm_len + back, arm_w, arm_t], [(arm_len - back) / 2, 0, z_arm])
    if rng.random() < 0.6:  # a slot for the spindle to slide along
        arm = cut(arm, sh.box([arm_len * 0.45, arm_w * 0.35, arm_t * 3],
                              [arm_len * 0.7, 0, z_arm]))
    parts.append(arm)
    pivot = np.array([-lb * 0.2, 0, z_arm + arm_t * rng.uniform(1.0, 2.5)])
    hl = lb * rng.uniform(1.0, 2.0)
    tilt = np.radians(rng.uniform(-5, 25))  # lying back, nearly level
    hend = pivot + hl * np.array([-np.cos(tilt), 0, np.sin(tilt)])
    ht = 6 * s * rng.uniform(0.8, 1.4)
    parts.append(bar_between(pivot, hend, arm_w * rng.uniform(0.9, 1.3), ht))
    link = bar_between(pivot, [pivot[0] + lb * 0.25, 0, z_arm], gap * 0.8, 4 * s)
    axle = np.array([0, wb * 0.35, 0])
    parts += [link, sh.cylinder_between(pivot - axle, pivot + axle, 2.5 * s, k)]
    sd = 4 * s * rng.uniform(0.8, 1.5)
    parts.append(sh.moved(_spindle(rng, sd, h * rng.uniform(0.8, 1.6), arm_t, k),
                          [arm_len * rng.uniform(0.7, 0.9), 0, z_arm]))
    return centred(sh.combine(*parts), "horizontal_toggle_clamp")
