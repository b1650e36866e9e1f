"""Articulations as single parts: clevis brackets and blocks, plain rod ends, yokes, eyelets.

Real CAD files of joints are often one body, not an assembly: a welded or machined clevis
bracket (a fork of two lugs with a cross hole, on a base plate), a clevis block, a rod end
modelled without its thread, a single universal-joint yoke, a grommet eyelet. Each keeps the
cross hole or the eye that makes it something that turns about a pin.
"""

from __future__ import annotations

import numpy as np
import trimesh
from shapely.geometry import Point
from shapely.geometry import box as rect

from pointcam_gui.core.synthetic import shapes as sh
from pointcam_gui.core.synthetic.catalogue import centred, loguniform
from pointcam_gui.core.synthetic.hardware import hex_nut
from pointcam_gui.core.synthetic.shapes import difference as cut
from pointcam_gui.core.synthetic.shapes import union as fuse

Mesh = trimesh.Trimesh
X = np.array([1.0, 0.0, 0.0])
Y = np.array([0.0, 1.0, 0.0])


def _pin(radius: float, length: float, k: int) -> Mesh:
    """A z-centred plain cylinder (bores, pins), as in ``joints``."""
    return sh.cylinder(radius, length, k, -length / 2)


def _along(mesh: Mesh, axis: np.ndarray, centre: np.ndarray | None = None) -> Mesh:
    out = sh.aligned(mesh, axis)
    return out if centre is None else sh.moved(out, centre)


def _lug(width: float, height: float, thick: float, quad: int) -> Mesh:
    """A lug drawn in (x, z): a rectangle from z = 0 topped by a half-disc, ``thick`` along Y."""
    shape = rect(-width / 2, 0, width / 2, height).union(
        Point(0, height).buffer(width / 2, quad_segs=quad))
    plate = trimesh.creation.extrude_polygon(shape, thick)
    plate.apply_translation([0, 0, -thick / 2])
    return sh.rotated(plate, np.pi / 2, X)


def clevis_bracket(rng: np.random.Generator) -> Mesh:
    """Clevis bracket: two lugs (or one) with a cross hole standing on a bolted base plate."""
    k = sh.sections(rng, 10, 48)
    quad = max(2, k // 4)
    d = loguniform(rng, 4, 30)  # pin diameter
    lw = d * rng.uniform(2.0, 3.0)
    lh = d * rng.uniform(1.5, 3.5)
    lt = d * rng.uniform(0.5, 1.0)
    gap = d * rng.uniform(1.0, 2.5)
    single = rng.random() < 0.25  # single-eye bracket: the other half of a clevis pair
    tb = lt * rng.uniform(0.8, 1.4)
    bl = lw * rng.uniform(1.6, 3.0)
    bw = (lt if single else gap + 2 * lt) + d * rng.uniform(1.5, 4.0)
    base = sh.box([bl, bw, tb], [0, 0, tb / 2])
    holes = [sh.cylinder(d * 0.3, tb * 3, 12, -tb).apply_translation([sx * bl * 0.36, sy, 0])
             for sx in (-1, 1) for sy in ((0.0,) if bw < d * 4 else (-bw * 0.3, bw * 0.3))]
    base = cut(base, *holes)
    ys = (0.0,) if single else (-(gap + lt) / 2, (gap + lt) / 2)
    lugs = [sh.moved(_lug(lw, lh, lt, quad), [0, y, tb - 0.01]) for y in ys]
    body = cut(fuse(base, *lugs), _along(_pin(d / 2, bw * 3, k), Y, np.array([0, 0, tb + lh])))
    parts = [body]
    if not single and rng.random() < 0.4:  # the clevis pin with its head, through both lugs
        span = gap + 2 * lt
        pin = fuse(_pin(d / 2 * 0.97, span * 1.25, k), sh.cylinder(d * 0.8, d * 0.3, k,
                                                                      span * 0.62))
        parts.append(_along(pin, -Y, np.array([0, 0, tb + lh])))
    return centred(sh.combine(*parts), "clevis_bracket")


def clevis_block(rng: np.random.Generator) -> Mesh:
    """Clevis block / fork end: a square, round or flat block, slotted (square or round at the
    bottom of the slot), cross-drilled through both arms, tapped or drilled below."""
    k = sh.sections(rng, 10, 48)
    d = loguniform(rng, 4, 25)
    s = d * rng.uniform(1.8, 2.6)
    sy = s * (rng.uniform(1.2, 2.5) if rng.random() < 0.4 else 1.0)  # wide, flat fork
    length = d * rng.uniform(3.0, 5.0)
    if rng.random() < 0.5 or sy > s:
        body = sh.box([s, sy, length], [0, 0, length / 2])
    else:
        body = sh.cylinder(s / 2, length, k, 0)
    top = length - s * rng.uniform(0.4, 0.6)
    if rng.random() < 0.6:  # rounded fork ends
        body = sh.intersection(body, fuse(_along(_pin(s / 2, sy * 2, k), Y, np.array([0, 0, top])),
                                          sh.box([s * 2, sy * 2, top], [0, 0, top / 2])))
    gap = d * rng.uniform(0.9, 1.3) * (sy / s) ** 0.5
    depth = (length - top) + d * rng.uniform(0.5, 1.5)
    slot = sh.box([s * 2, gap, depth * 2], [0, 0, length])
    cuts = [slot, sh.cylinder(d * 0.42, length * rng.uniform(0.3, 0.5), k, -0.01)]
    if rng.random() < 0.4:  # slot rounded at the bottom
        cuts.append(_along(_pin(gap / 2, s * 2, k), X, np.array([0, 0, length - depth])))
    cuts.append(_along(_pin(d / 2, sy * 3, k), Y if sy > s else X, np.array([0, 0, top])))
    return centred(cut(body, *cuts), "clevis_block")


def ball_socket(rng: np.random.Generator) -> Mesh:
    """Ball-and-socket joint: a ball on a stem held in a split cup (fingers round the ball) or
    in a block with a spherical seat and a slot for the stem, as printed and machined arms."""
    k = sh.sections(rng, 12, 48)
    rb = loguniform(rng, 4, 25)
    tilt = rng.uniform(0, 0.6)
    stem_l, stem_r = rb * rng.uniform(1.5, 4.0), rb * rng.uniform(0.35, 0.6)
    stem = fuse(sh.sphere(rb, subdivisions=2), sh.cylinder(stem_r, stem_l, k, -stem_l - rb * 0.5))
    if rng.random() < 0.6:  # a base disc, flange or second part at the stem's end
        stem = fuse(stem, sh.cylinder(rb * rng.uniform(0.8, 1.8), rb * rng.uniform(0.3, 1.0), k,
                                      -stem_l - rb * 0.5))
    stem = sh.rotated(stem, tilt, Y)
    wall = rb * rng.uniform(0.2, 0.45)
    seat = sh.sphere(rb * 1.01, subdivisions=2)
    if rng.random() < 0.55:  # split cup: a tube closing over the ball, slit into fingers
        cup_h, z0 = rb * rng.uniform(2.0, 4.0), -rb * rng.uniform(0.0, 0.6)  # ball shows below
        cup = sh.cylinder(rb + wall, cup_h, k, z0)
        n = int(rng.integers(2, 5))
        slits = [sh.rotated(sh.box([4 * rb, rb * 0.15, rb * 2], [0, 0, z0]), a, [0, 0, 1])
                 for a in np.arange(n) * np.pi / n]
        socket = cut(cup, seat, sh.cylinder(stem_r * 1.6, rb * 2, k, -rb * 2.2), *slits,
                     sh.cylinder(rb * 0.7, cup_h, k, rb * 0.5))
        if rng.random() < 0.5:  # clamp collar round the fingers
            socket = fuse(socket, sh.tube(rb + wall * 0.9, rb + wall * 1.8, rb * 0.4, k,
                                          -rb * 0.3))
    else:  # block with a spherical seat, slotted so the stem can swing
        bx, bz = rb * rng.uniform(2.2, 3.5), rb * rng.uniform(3.0, 6.0)
        z0 = -rb * rng.uniform(0.3, 1.2)
        block = sh.box([bx, rb * 2 + 2 * wall, bz], [0, 0, bz / 2 + z0])
        socket = cut(block, seat, sh.box([bx, stem_r * 2.6, rb * 3], [-bx / 2, 0, -rb * 0.2]),
                     sh.cylinder(stem_r * 1.5, rb * 2, k, -rb * 2.5),
                     *[_along(_pin(rb * 0.2, rb * 6, k), Y, np.array([0, 0, z]))
                       for z in rng.uniform(rb * 1.3, bz + z0 - rb * 0.4,
                                            size=int(rng.integers(1, 4)))])
    return centred(sh.combine(socket, stem), "ball_socket")


def plain_rod_end(rng: np.random.Generator) -> Mesh:
    """Rod end as a simple model: an eye with a ball (or a plain bush), a smooth shank."""
    k = sh.sections(rng, 10, 40)
    d = loguniform(rng, 5, 30)
    ro = d * rng.uniform(1.2, 1.7)
    w = d * rng.uniform(0.6, 1.0)
    eye = _along(_pin(ro, w, k), Y)
    rb = ro * rng.uniform(0.6, 0.75)
    h = d * rng.uniform(2.5, 5.0)
    if rng.random() < 0.6:  # hex neck for the spanner
        neck = sh.hex_prism(d * rng.uniform(1.1, 1.4), h * 0.35, -ro - h * 0.35 + ro * 0.3)
    else:
        neck = sh.cylinder(d * 0.6, h * 0.35, k, -ro - h * 0.35 + ro * 0.3)
    shank = sh.cylinder(d / 2, h, k, -ro - h + ro * 0.3)
    body = cut(fuse(eye, neck, shank), _along(_pin(rb, w * 3, k), Y))
    if rng.random() < 0.7:  # the ball with its bore, slightly wider than the eye
        ball = cut(sh.intersection(sh.sphere(rb * 1.05, subdivisions=2),
                                   sh.box([3 * rb, w * 1.3, 3 * rb])),
                   _along(_pin(rb * 0.5, w * 3, k), Y))
        body = fuse(body, ball)
    parts = [body]
    if rng.random() < 0.3:
        parts.append(hex_nut(1.6 * d, 0.5 * d, d / 2, k, -ro - h * 0.6))
    return centred(sh.combine(*parts), "plain_rod_end")


def single_yoke(rng: np.random.Generator) -> Mesh:
    """One universal-joint yoke on its own: a hub with a bore and a fork with trunnion holes."""
    from pointcam_gui.core.synthetic.joints import _yoke  # joints imports this module

    k = sh.sections(rng, 12, 48)
    r = loguniform(rng, 6, 40)
    c = r * rng.uniform(0.7, 0.9)
    hub, arm = r * rng.uniform(1.2, 3.0), r * rng.uniform(0.9, 1.1)
    return centred(_yoke(rng, r, hub, arm, c, k), "single_yoke")


def eyelet(rng: np.random.Generator) -> Mesh:
    """Eyelet / grommet: a flanged barrel (sometimes with its washer), or a weld-on eye plate."""
    k = sh.sections(rng, 12, 64)
    if rng.random() < 0.5:
        ri = loguniform(rng, 2, 20)
        t = max(0.3, ri * rng.uniform(0.08, 0.2))
        rf = ri * rng.uniform(1.6, 2.4)
        hb = ri * rng.uniform(0.6, 1.4)
        body = sh.revolve([(ri, 0), (rf, 0), (rf, t), (ri + t, t), (ri + t, hb), (ri, hb)], k)
        parts = [body]
        if rng.random() < 0.5:
            parts.append(sh.revolve([(ri + t * 1.1, hb * 0.6), (rf * 0.95, hb * 0.6),
                                     (rf * 0.95, hb * 0.6 + t), (ri + t * 1.1, hb * 0.6 + t)], k))
        return centred(sh.combine(*parts), "eyelet")
    d = loguniform(rng, 6, 40)  # weld-on / bolt-on lifting eye plate
    quad = max(2, k // 4)
    lh = d * rng.uniform(1.2, 2.2)
    lug = _lug(d * rng.uniform(2.0, 3.0), lh, d * rng.uniform(0.4, 0.8), quad)
    body = cut(lug, _along(_pin(d / 2, d * 4, k), Y, np.array([0, 0, lh])))
    return centred(body, "eyelet")
