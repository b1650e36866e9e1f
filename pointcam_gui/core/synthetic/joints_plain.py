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
    """Clevis block / fork end: a square or round block, slotted, cross-drilled, tapped below."""
    k = sh.sections(rng, 10, 48)
    d = loguniform(rng, 4, 25)
    s = d * rng.uniform(1.8, 2.6)
    length = d * rng.uniform(3.0, 5.0)
    if rng.random() < 0.5:
        body = sh.box([s, s, length], [0, 0, length / 2])
    else:
        body = sh.cylinder(s / 2, length, k, 0)
    top = length - s * rng.uniform(0.4, 0.6)
    if rng.random() < 0.6:  # rounded fork ends
        body = sh.intersection(body, fuse(_along(_pin(s / 2, s * 2, k), Y, np.array([0, 0, top])),
                                          sh.box([s * 2, s * 2, top], [0, 0, top / 2])))
    slot = sh.box([s * 2, d * rng.uniform(0.9, 1.3), (length - top) * 2 + d],
                  [0, 0, length])
    bore = sh.cylinder(d * 0.42, length * rng.uniform(0.3, 0.5), k, -0.01)
    body = cut(body, slot, bore, _along(_pin(d / 2, s * 3, k), X, np.array([0, 0, top])))
    return centred(body, "clevis_block")


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
