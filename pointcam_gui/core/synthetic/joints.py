"""Articulated joints: rod ends, clevises, ball joints, eye bolts, hinges, universal joints.

Proportions follow the usual catalogue tables in terms of the thread or bore d (DIN ISO 12240-4
rod ends, DIN 71752 clevises, DIN 71802 angle joints, DIN 580/582 eye bolts and nuts,
DIN 808 universal joints). Moving members are separate bodies, as in a CAD assembly export.
Single-body clevis brackets and blocks, plain rod ends, yokes and eyelets live in ``joints_plain``.
"""

from __future__ import annotations

import numpy as np
import trimesh

from pointcam_gui.core.synthetic import Builder
from pointcam_gui.core.synthetic import shapes as sh
from pointcam_gui.core.synthetic.catalogue import centred, one_of
from pointcam_gui.core.synthetic.hardware import hex_nut
from pointcam_gui.core.synthetic.joints_plain import (
    ball_socket,
    clevis_block,
    clevis_bracket,
    eyelet,
    plain_rod_end,
    single_yoke,
)
from pointcam_gui.core.synthetic.shapes import difference as cut
from pointcam_gui.core.synthetic.shapes import intersection as common
from pointcam_gui.core.synthetic.shapes import union as fuse
from pointcam_gui.core.synthetic.threads import threaded_rod

Mesh = trimesh.Trimesh
Y = np.array([0.0, 1.0, 0.0])
X = np.array([1.0, 0.0, 0.0])


def _along(mesh: Mesh, axis: np.ndarray, centre: np.ndarray | None = None) -> Mesh:
    """Turn a +Z-built, z-centred part onto ``axis`` about the origin, then move it."""
    out = sh.aligned(mesh, axis)
    return out if centre is None else sh.moved(out, centre)


def _pin(radius: float, length: float, k: int) -> Mesh:
    """A z-centred plain cylinder (bores, pins, trunnions)."""
    return sh.cylinder(radius, length, k, -length / 2)


def _shank(rng: np.random.Generator, d: float, length: float, k: int, z_top: float) -> Mesh:
    """Male thread, or a female boss with a bore and wrench flats, hanging below ``z_top``."""
    if rng.random() < 0.55:
        return threaded_rod(d / 2, length, rng, k, z_top - length)
    boss = sh.cylinder(d * rng.uniform(0.8, 1.0), length, k, z_top - length)
    bore = sh.cylinder(d * 0.42, length * 0.9, k, z_top - length - 1)
    cuts = []
    if rng.random() < 0.6:
        flat = d * 0.8
        cuts = [sh.box([d, d * 4, length * 0.35], [s * (flat + d / 2), 0, z_top - length * 0.3])
                for s in (-1, 1)]
    return cut(boss, bore, *cuts)


def rod_end(rng: np.random.Generator) -> Mesh:
    """Rod end: eye housing with a captive spherical ball (bore along Y) on a threaded shank."""
    k = sh.sections(rng, 16, 64)
    d = float(rng.choice([5, 6, 8, 10, 12, 16, 20, 25, 30]))
    rb = d * rng.uniform(0.8, 0.95)
    ro = d * rng.uniform(1.3, 1.6)
    cw, bw = d * rng.uniform(0.6, 0.8), d * rng.uniform(0.8, 1.0)
    ring = _along(_pin(ro, cw, k), Y)
    house = cut(ring, sh.sphere(rb, subdivisions=2),
                          _along(_pin(rb * 0.8, cw * 3, k), Y))
    h = d * rng.uniform(3.2, 4.5)
    top = -(rb + ro) / 2  # the neck stops short of the ball so the eye stays open
    neck = sh.revolve([(0, -h + d), (d * 0.7, -h + d), (min(d * 0.6, cw / 2), -ro * 1.05),
                       (cw / 2, top), (0, top)], k)
    body = fuse(house, neck, _shank(rng, d * rng.uniform(0.9, 1.3), h - d * 1.2, k,
                                         -h + d * 1.2))
    ball = cut(common(sh.sphere(rb * 0.995, subdivisions=2),
                                         sh.box([3 * rb, bw, 3 * rb])),
                         _along(_pin(d / 2, bw * 3, k), Y))
    tilt = rng.uniform(-0.25, 0.25)
    return centred(sh.combine(body, sh.rotated(ball, tilt, X)), "rod_end")


def clevis(rng: np.random.Generator) -> Mesh:
    """Clevis (DIN 71752 fork head): slotted fork with a cross pin, threaded hub below."""
    k = sh.sections(rng, 12, 48)
    d = float(rng.choice([4, 5, 6, 8, 10, 12, 14, 16, 20, 24]))
    g, b, a = 2 * d, d * rng.uniform(0.9, 1.1), d * rng.uniform(1.8, 2.4)
    length = 4 * d * rng.uniform(0.9, 1.2)
    width = g * rng.uniform(0.85, 1.0)
    fork = sh.box([g, width, length], [0, 0, length / 2])
    if rng.random() < 0.6:  # round hub under the fork
        fork = fuse(sh.box([g, width, a + d], [0, 0, length - (a + d) / 2]),
                        sh.cylinder(d * 0.8, length - a, k, 0))
    top = length - g / 2
    cap = fuse(_along(_pin(g / 2, width * 2, k), Y, np.array([0, 0, top])),
                   sh.box([g * 2, width * 2, top], [0, 0, top / 2]))
    fork = common(fork, cap)
    slot = sh.box([g * 2, b, a * 2], [0, 0, length])
    hole = _along(_pin(d / 2, width * 3, k), Y, np.array([0, 0, top]))
    thread = sh.cylinder(d * 0.42, length - a - d * 0.3, k, -1)
    body = cut(fork, slot, hole, thread)
    pin = fuse(_pin(d / 2 * 0.98, width * 1.3, k), sh.cylinder(d * 0.8, d * 0.3, k, width * 0.65))
    pin = _along(pin, -Y, np.array([0, 0, top]))
    parts = [body, pin]
    if rng.random() < 0.4:  # rod screwed in with a jam nut
        parts.append(threaded_rod(d / 2, length, rng, k, -length * 0.6))
        parts.append(hex_nut(1.6 * d, 0.5 * d, d / 2, k, -0.55 * d))
    return centred(sh.combine(*parts), "clevis")


def ball_joint(rng: np.random.Generator) -> Mesh:
    """Ball joint: ball stud (ball, neck, collar, thread) in a socket with a shank."""
    k = sh.sections(rng, 16, 48)
    d = float(rng.choice([5, 6, 8, 10, 12, 14, 16]))
    rb = d * rng.uniform(0.7, 0.85)
    rh = rb * rng.uniform(1.3, 1.5)
    lip = np.arcsin(0.75)  # opening where the neck leaves the cup
    out = np.linspace(-np.pi / 2, np.pi / 2 - lip * 0.9, max(6, k // 4))
    inn = np.linspace(np.pi / 2 - lip, -np.pi / 2, max(6, k // 4))
    socket = sh.revolve([*zip(rh * np.cos(out), rh * np.sin(out), strict=True),
                         *zip(rb * np.cos(inn), rb * np.sin(inn), strict=True)], k)
    angle = rng.random() < 0.6
    axis = X if angle else -np.array([0, 0, 1.0])
    sl = d * rng.uniform(1.8, 3)
    shank = _along(_shank(rng, d * 1.2, sl, k, 0), -axis)
    shank = sh.moved(shank, axis * rh * 0.6)
    housing = fuse(socket, shank)
    stud_len = d * rng.uniform(1.5, 3)
    collar = rb * rng.uniform(1.2, 1.6)
    stud = fuse(sh.sphere(rb * 0.995, subdivisions=2),
                    sh.revolve([(0, 0), (rb * 0.5, 0), (rb * 0.6, rh * 1.05), (collar, rh * 1.1),
                                (collar, rh * 1.1 + d * 0.5), (0, rh * 1.1 + d * 0.5)], k),
                    threaded_rod(d / 2, stud_len, rng, k, rh * 1.1 + d * 0.45))
    stud = sh.rotated(stud, rng.uniform(-0.35, 0.35), Y)
    return centred(sh.combine(housing, stud), "ball_joint")


def eye_bolt(rng: np.random.Generator) -> Mesh:
    """Lifting eye bolt (DIN 580), eye nut (DIN 582) or flat-eye bolt (DIN 444)."""
    k = sh.sections(rng, 16, 64)
    d = float(rng.choice([6, 8, 10, 12, 16, 20, 24, 30, 36]))
    kind = rng.choice(["bolt", "nut", "flat"], p=[0.55, 0.25, 0.2])
    if kind == "flat":
        ro, ri = d * rng.uniform(1.0, 1.4), d * rng.uniform(0.5, 0.7)
        eye = cut(_along(_pin(ro, d * rng.uniform(0.7, 1.0), k), Y),
                            _along(_pin(ri, d * 3, k), Y))
        length = d * rng.uniform(3, 8)
        neck = sh.revolve([(0, -ro * 1.2), (d / 2, -ro * 1.2), (d / 2, -ro * 0.6),
                           (d * 0.7, -ro * 0.5), (0, -ro * 0.3)], k)
        eye = sh.moved(fuse(eye, neck), [0, 0, ro * 1.2])
        mesh = fuse(eye, threaded_rod(d / 2, length, rng, k, -length + 0.01))
        return centred(mesh, "eye_bolt")
    ring_in = d * rng.uniform(1.2, 1.5)  # inner radius of the ring
    sec = d * rng.uniform(0.4, 0.5)  # section radius
    ring = sh.torus(ring_in + sec, sec, 2 * k, max(8, k // 2))
    ring.apply_scale([1.0, 1.0, rng.uniform(0.85, 1.15)])
    ring = sh.rotated(ring, np.pi / 2, X)
    collar_r, collar_h = d * rng.uniform(1.1, 1.4), d * rng.uniform(0.5, 0.8)
    zc = collar_h + ring_in + sec * 1.6
    base = sh.revolve([(0, 0), (collar_r, 0), (collar_r, collar_h * 0.6),
                       (sec * 1.2, collar_h + sec), (0, collar_h + sec * 1.5)], k)
    body = fuse(base, sh.moved(ring, [0, 0, zc]))
    if kind == "nut":
        boss = sh.cylinder(collar_r, collar_h * 1.6, k, -collar_h * 0.6)
        bore = sh.cylinder(d / 2 * 0.9, collar_h * 3, k, -collar_h * 2)
        return centred(cut(fuse(body, boss), bore), "eye_bolt")
    length = d * rng.uniform(1.5, 3.5)
    return centred(fuse(body, threaded_rod(d / 2, length, rng, k, -length + 0.01)),
                   "eye_bolt")


def hinge(rng: np.random.Generator) -> Mesh:
    """Hinge: two leaves with alternating knuckles on a pin (butt, flag or piano hinge)."""
    k = sh.sections(rng, 12, 48)
    h = rng.uniform(25, 200)
    n = int(rng.choice([2, 3, 4, 5])) if rng.random() < 0.8 else int(rng.integers(8, 16))
    if n > 5:
        h *= 2.5
    t = max(1.0, h * rng.uniform(0.015, 0.04))
    rk = t * rng.uniform(1.3, 2.0)
    w = h * rng.uniform(0.2, 0.5) if n <= 5 else rk * rng.uniform(5, 10)
    seg = h / n
    gap = min(0.5, seg * 0.05)
    leaves = []
    for side in (0, 1):
        leaf = sh.box([w, t, h], [w / 2 + rk * 0.5, -rk + t / 2, 0])
        holes = []
        per = 2 if h < 80 or n > 5 else 3
        for i in range(per):
            z = (i - (per - 1) / 2) * h / per
            x = rk + (w - rk) * 0.55
            cs = sh.revolve([(0, -t), (t * 0.9, -t), (t * 0.9, 0.0), (t * 2.0, t * 1.1),
                             (0, t * 1.1)], 16)
            holes.append(sh.moved(sh.rotated(cs, np.pi / 2, X), [x, -rk + t, z]))
        knuckles = [sh.cylinder(rk, seg - gap, k, -h / 2 + i * seg + gap / 2)
                    for i in range(side, n, 2)]
        body = cut(fuse(leaf, *knuckles), *holes,
                             sh.cylinder(rk * 0.45, h * 2, k, -h))
        if side == 1:
            body = sh.rotated(sh.rotated(body, np.pi, [0, 0, 1]), np.pi, X)
        leaves.append(body)
    opening = np.radians(rng.uniform(0, 150))
    leaves[1] = sh.rotated(leaves[1], opening, [0, 0, 1])
    pin = sh.cylinder(rk * 0.44, h + t, k, -h / 2 - t / 2)
    return centred(sh.combine(*leaves, pin), "hinge")


def _yoke(rng: np.random.Generator, r: float, hub: float, arm: float, c: float, k: int) -> Mesh:
    """DIN 808 yoke on +Z: round hub with a bore, a slotted fork with trunnion holes at z = 0."""
    body = sh.cylinder(r, hub + arm, k, -hub)
    body = common(body, fuse(
        _along(_pin(r, 4 * r, k), Y), sh.box([4 * r, 4 * r, hub], [0, 0, -hub / 2])))
    slot = sh.box([4 * r, c * 1.5, r * 3], [0, 0, r * 1.5 - c * 0.9])
    # The arms are only as wide as the other yoke's slot, so the two yokes can swing past.
    sides = [sh.box([2 * r, 4 * r, r * 3], [s * (r + c * 0.7), 0, r * 1.5 - c * 1.1])
             for s in (-1, 1)]
    return cut(body, slot, *sides, _along(_pin(c * 0.28, 4 * r, k), Y),
               sh.cylinder(r * rng.uniform(0.3, 0.55), hub, k, -hub - 1))


def universal_joint(rng: np.random.Generator) -> Mesh:
    """Universal (Cardan) joint: two yokes at right angles on a cross, single or double."""
    k = sh.sections(rng, 16, 48)
    r = rng.uniform(6, 40)
    c = r * rng.uniform(0.7, 0.9)
    hub, arm = r * rng.uniform(1.2, 2.5), r * rng.uniform(0.9, 1.1)

    def cross(z: float) -> Mesh:
        legs = [_along(_pin(c * 0.27, 2 * r * 0.95, k), ax) for ax in (X, Y)]
        return sh.moved(fuse(sh.box([c, c, c]), *legs), [0, 0, z])

    bend = rng.uniform(0, 0.5)
    top = sh.rotated(sh.rotated(_yoke(rng, r, hub, arm, c, k), np.pi, X), np.pi / 2, [0, 0, 1])
    low = _yoke(rng, r, hub, arm, c, k)
    if rng.random() < 0.7:
        parts = [low, cross(0), sh.rotated(top, bend, X)]
        return centred(sh.combine(*parts), "universal_joint")
    span = 2 * arm + r * rng.uniform(0.2, 1.0)  # double joint: a centre piece with two forks
    mid = fuse(sh.moved(sh.rotated(_yoke(rng, r, 0.01, arm, c, k), np.pi, X), [0, 0, span]),
                   sh.cylinder(r, span - 2 * arm + 0.02, k, arm - 0.01),
                   sh.rotated(_yoke(rng, r, 0.01, arm, c, k), np.pi / 2, [0, 0, 1]))
    parts = [low, cross(0), mid, cross(span), sh.moved(top, [0, 0, span])]
    return centred(sh.combine(*parts), "universal_joint")


# Single-body joints (``joints_plain``) are what most downloaded CAD articulations are.
BUILDERS: dict[str, Builder] = {"Articulations, eyelets and other articulated joints": one_of(
    [rod_end, clevis, ball_joint, eye_bolt, hinge, universal_joint, clevis_bracket, clevis_block,
     plain_rod_end, single_yoke, eyelet, ball_socket],
    [0.11, 0.09, 0.09, 0.09, 0.08, 0.07, 0.12, 0.09, 0.08, 0.05, 0.05, 0.08])}
