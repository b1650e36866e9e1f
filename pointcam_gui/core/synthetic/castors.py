"""Castors: fixed and swivel plate castors, stem and bolt-hole castors, twin-wheel castors.

Proportions follow EN 12532 catalogue practice: a wheel (made with the ``wheels`` tools) in a
pressed fork or a moulded twin housing, an axle bolt with nuts, a swivel race and a top plate,
stem or bolt hole, sometimes a brake. The assembly stays several bodies, centred.
"""

from __future__ import annotations

import numpy as np
import trimesh
from shapely.geometry import Point
from shapely.geometry import Polygon as ShapelyPolygon
from shapely.geometry import box as shapely_box

from pointcam_gui.core.synthetic import Builder
from pointcam_gui.core.synthetic import shapes as S
from pointcam_gui.core.synthetic.catalogue import centred, loguniform, one_of
from pointcam_gui.core.synthetic.wheels import tyre_profile, wheel_centre

Rng = np.random.Generator
Mesh = trimesh.Trimesh
Profile = list[tuple[float, float]]


def _plate(outline: object, thickness: float, z0: float = 0.0) -> Mesh:
    """Extrude a shapely polygon (holes allowed) along +Z: no boolean needed for bolt holes."""
    m = trimesh.creation.extrude_polygon(outline, thickness)
    m.apply_translation([0, 0, z0])
    return m


def _xz_plate(outline: object, thickness: float, y0: float) -> Mesh:
    """Extrude a polygon drawn in the XZ plane along +Y from ``y0`` (fork legs)."""
    m = _plate(outline, thickness)
    m.apply_transform(trimesh.transformations.rotation_matrix(np.pi / 2, [1, 0, 0]))
    m.apply_translation([0, y0 + thickness, 0])
    return m


def _castor_wheel(rng: Rng, diameter: float, width: float, r_axle: float, sec: int) -> Mesh:
    """A castor's wheel on +Z: rubber tyre on a centre, or a moulded one-piece wheel."""
    r_out, rb = diameter / 2, r_axle * 1.05
    rh = rb + max(2.0, 0.35 * rb + 0.05 * diameter)
    if rng.random() < 0.55:
        tyre_h = r_out * rng.uniform(0.15, 0.3)
        centre = wheel_centre(rng, rb, rh, r_out - tyre_h, width * 0.95, sec,
                              (-width / 2, width / 2), str(rng.choice(["disc", "disc", "holes"])))
        tyre = S.revolve(tyre_profile(r_out - tyre_h, r_out, width * 0.95, width,
                                      rng.uniform(2.5, 8.0), max(4, sec // 8)), sec)
        return S.combine(centre, tyre)
    body = S.revolve(tyre_profile(rb, r_out, width, width, rng.uniform(3.0, 10.0),
                                  max(4, sec // 8)), sec)
    rec_r, rec_d = rh + (r_out - rh) * rng.uniform(0.3, 0.6), width * rng.uniform(0.1, 0.25)
    cut = S.combine(S.tube(rh, rec_r, rec_d + 1, sec, width / 2 - rec_d),
                    S.tube(rh, rec_r, rec_d + 1, sec, -width / 2 - 1))
    return S.difference(body, cut)


def _top_plate(rng: Rng, length: float, thick: float, z0: float, sec: int) -> Mesh:
    """Rectangular top plate with rounded corners and four bolt holes (or slots)."""
    wide = length * rng.uniform(0.75, 0.92)
    rr = 0.08 * length
    outline = shapely_box(-length / 2 + rr, -wide / 2 + rr, length / 2 - rr, wide / 2 - rr)
    outline = outline.buffer(rr, quad_segs=max(2, sec // 12))
    dh = float(np.clip(0.05 * length + 3, 5, 14)) / 2
    slot = rng.random() < 0.35
    q = max(2, sec // 8)
    for sx in (-1, 1):
        for sy in (-1, 1):
            c = (sx * 0.37 * length, sy * (wide / 2 - 2.2 * dh))
            hole = Point(c).buffer(dh, quad_segs=q)
            if slot:  # slotted holes take two bolt patterns
                hole = hole.union(Point(c[0] - sx * 2.5 * dh, c[1]).buffer(dh, quad_segs=q)
                                  ).convex_hull
            outline = outline.difference(hole)
    return _plate(outline, thick, z0)


FORKS = ["fixed_plate", "swivel_plate", "swivel_stem", "swivel_bolt_hole"]


def _castor(rng: Rng, bare: bool = False) -> Mesh:
    """A castor; ``bare`` draws only its fork (and top), with no wheel or a small loose one."""
    subtype = str(rng.choice(FORKS if bare else [
        "fixed_plate", "swivel_plate", "swivel_plate_brake", "swivel_stem", "swivel_bolt_hole",
        "twin_wheel_stem", "twin_wheel_plate"]))
    sec = S.sections(rng, 16, 80)
    chair = subtype == "twin_wheel_stem"
    low = 50.0 if bare else 35.0  # a bare fork under 50 mm is flatter than its top plate is long
    diameter = rng.uniform(40.0, 100.0) if chair else loguniform(rng, low, 250.0)
    width = diameter * (rng.uniform(0.18, 0.3) if chair else rng.uniform(0.22, 0.5))
    r_axle = float(np.clip(0.04 * diameter + 2, 3, 12))
    zc = diameter / 2
    swivel = subtype != "fixed_plate"
    offset = diameter * rng.uniform(0.28, 0.42) if swivel else 0.0
    if chair:
        offset = diameter * rng.uniform(0.25, 0.35)
    tl = float(np.clip(0.025 * diameter + 1.5, 2, 8))
    gap = 0.03 * width + 1
    twin = subtype.startswith("twin")
    spacer = (diameter * rng.uniform(0.25, 0.4) if chair else width * rng.uniform(0.1, 0.3))
    pack = 2 * width + spacer if twin else width
    y_in = pack / 2 + gap
    z_y = diameter + 0.05 * diameter + 3 + tl  # top of the yoke, above the tyre

    bodies: list[Mesh] = []
    small = bare and rng.random() < 0.4  # a bare fork drawn with a smaller stand-in wheel
    if not bare or small:
        f = rng.uniform(0.5, 0.75) if small else 1.0
        wheel = _castor_wheel(rng, diameter * f, width * f, r_axle, sec)
        wheel_y = [-(spacer + width) / 2, (spacer + width) / 2] if twin else [0.0]
        for y in wheel_y:
            bodies.append(S.moved(S.rotated(wheel, np.pi / 2, [1, 0, 0]), [offset, y, zc]))

    if chair:  # office-chair castor: moulded housing between the wheels, pin stem on top
        hw = spacer - 2 * gap
        z_top = diameter * rng.uniform(0.85, 1.05)
        outline = ShapelyPolygon(Point(offset, zc).buffer(diameter * 0.28).union(
            Point(0, z_top - diameter * 0.18).buffer(diameter * 0.2)).convex_hull.exterior.coords)
        bodies.append(_xz_plate(outline, hw, -hw / 2))
        y_ax = y_in + 1.0
        r_stem = rng.uniform(4.5, 6.0)
        stem = S.revolve([(0.01, 0), (r_stem, 0), (r_stem, 12), (r_stem * 0.85, 13),
                          (r_stem * 0.85, 14.5), (r_stem, 15.5), (r_stem, 22), (r_stem * 0.8, 23),
                          (0.01, 23)], max(12, sec // 2))
        bodies.append(S.moved(stem, [0, 0, z_top - 1]))
    else:
        y_ax = y_in + tl + 1.0
        a = float(np.clip(0.3 * diameter + 18, 22, 95)) / 2
        boss = Point(offset, zc).buffer(1.5 * r_axle + 2, quad_segs=max(3, sec // 8))
        top = shapely_box(-a, z_y - tl - 0.12 * diameter, a, z_y)
        leg = ShapelyPolygon(boss.union(top).convex_hull.exterior.coords)
        fork = [_xz_plate(leg, tl, y_in), _xz_plate(leg, tl, -y_in - tl),
                S.box([2 * a, 2 * (y_in + tl), tl], [0, 0, z_y - tl / 2])]
        bodies.append(S.difference(S.union(*fork), S.cylinder_between(
            [offset, -2 * y_ax, zc], [offset, 2 * y_ax, zc], r_axle * 1.02, max(10, sec // 3))))
        plate_len = float(np.clip(0.45 * diameter + 45, 50, 200))
        tp = float(np.clip(0.02 * diameter + 2, 2.5, 8))
        if swivel:
            plated = subtype not in ("swivel_stem", "swivel_bolt_hole")
            rs = max(a * 1.05, 0.42 * plate_len) if plated else a * rng.uniform(1.0, 1.25)
            hs = float(np.clip(0.08 * diameter + 4, 6, 22))
            race = S.union(S.cylinder(rs, 0.35 * hs, sec, z_y),
                           S.moved(S.torus(0.72 * rs, 0.3 * hs, sec, max(8, sec // 4)),
                                   [0, 0, z_y + 0.5 * hs]),
                           S.cylinder(rs * 0.95, 0.35 * hs, sec, z_y + 0.65 * hs))
            bodies.append(race)
            z_top = z_y + hs
        else:
            z_top = z_y
        if subtype == "swivel_stem":
            r_stem = float(np.clip(0.035 * diameter + 3, 4, 10))
            ls, pitch = r_stem * rng.uniform(4, 7), 0.3 * r_stem
            prof: Profile = [(0.01, 0.0), (r_stem * 0.85, 0.0)]
            for k in range(int(ls / pitch)):  # annular ridges read as a thread at this scale
                prof += [(r_stem, (k + 0.5) * pitch), (r_stem * 0.85, (k + 1) * pitch)]
            prof += [(0.01, int(ls / pitch) * pitch)]
            collar = S.hex_prism(3.2 * r_stem, 0.8 * r_stem, z_top)
            bodies += [collar, S.moved(S.revolve(prof, max(10, sec // 2)),
                                       [0, 0, z_top + 0.8 * r_stem])]
        elif subtype == "swivel_bolt_hole":
            rr = float(np.clip(0.03 * diameter + 3, 4, 9))
            bodies[-1] = S.difference(bodies[-1], S.cylinder(rr, 4 * z_top, max(10, sec // 2),
                                                             -z_top))
            bodies.append(S.tube(rr, rr * 1.8, 0.3 * rr, max(10, sec // 2), z_top))
        else:
            bodies.append(_top_plate(rng, plate_len, tp, z_top, sec))
            if swivel:
                bodies.append(S.revolve([(0.01, 0), (0.35 * a, 0), (0.3 * a, 0.15 * a),
                                         (0.01, 0.2 * a)], max(10, sec // 2)))
                bodies[-1].apply_translation([0, 0, z_top + tp])
    # axle: a bolt with a hex head on one side and a nut on the other (a bare fork may lack it)
    if not bare or small or rng.random() < 0.5:
        bodies.append(S.cylinder_between([offset, -y_ax - 1.5 * r_axle, zc],
                                         [offset, y_ax + 0.8 * r_axle, zc], r_axle,
                                         max(10, sec // 3)))
        for y0, h in ((y_ax, 1.6 * r_axle),
                      (-y_ax - 1.4 * r_axle, 1.4 * r_axle))[:0 if chair else 2]:
            nut = S.rotated(S.hex_prism(3.2 * r_axle, h), -np.pi / 2, [1, 0, 0])
            bodies.append(S.moved(nut, [offset, y0, zc]))
    if not bare and (subtype == "swivel_plate_brake"
                     or (swivel and not chair and rng.random() < 0.2)):
        bodies.append(_brake(rng, diameter, offset, zc, y_ax + 2, tl))
    return centred(S.combine(*bodies), "fork_only" if bare else subtype)


def fork_only(rng: Rng) -> Mesh:
    """A castor fork with its top plate, stem or bolt hole: no wheel, or a small one."""
    return _castor(rng, bare=True)


def _brake(rng: Rng, diameter: float, offset: float, zc: float, half_y: float,
           tl: float) -> Mesh:
    """Wheel brake: a shoe bent round the tyre at the trailing side and a pedal sticking out."""
    r_in = diameter / 2 + 1.5
    a0, a1 = np.radians(rng.uniform(15, 35)), np.radians(rng.uniform(55, 75))
    ang = np.linspace(a0, a1, 12)
    outer = [(offset + (r_in + tl) * np.sin(a), zc + (r_in + tl) * np.cos(a)) for a in ang]
    inner = [(offset + r_in * np.sin(a), zc + r_in * np.cos(a)) for a in ang[::-1]]
    shoe = _xz_plate(ShapelyPolygon(outer + inner), 2 * half_y, -half_y)
    end = np.array(outer[-1])
    tilt = a1 - np.radians(rng.uniform(60, 90))
    length = diameter * rng.uniform(0.2, 0.35)
    d = np.array([np.sin(tilt + np.pi / 2), np.cos(tilt + np.pi / 2)])
    n = np.array([-d[1], d[0]]) * tl * 1.5
    pedal = [end, end + d * length, end + d * length + n, end + n]
    pw = half_y * rng.uniform(1.0, 1.6)
    return S.combine(shoe, _xz_plate(ShapelyPolygon(pedal).buffer(0), pw, -pw / 2))


# Fork-only castors are common in downloaded CAD: the wheel is a separate file.
BUILDERS: dict[str, Builder] = {"Castor": one_of([_castor, fork_only], [0.82, 0.18])}
