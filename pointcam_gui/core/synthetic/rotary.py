"""Rotating parts: deep-groove ball bearings, wheels and castors.

Proportions follow catalogue practice (ISO 15 bearing series, DIN 6885 keyways, EN 12532
castors). Assemblies stay several bodies, as CAD exports of bearings and castors usually are.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from itertools import pairwise

import numpy as np
import trimesh
from shapely.geometry import Point
from shapely.geometry import Polygon as ShapelyPolygon
from shapely.geometry import box as shapely_box

from pointcam_gui.core.synthetic import shapes as S
from pointcam_gui.core.synthetic.catalogue import centred, labelled, loguniform

log = logging.getLogger(__name__)

Rng = np.random.Generator
Mesh = trimesh.Trimesh
Profile = list[tuple[float, float]]

# Radial section t = (D - d) / 2 ~ a * d + b per ISO dimension series (fits 618, 60, 62, 63, 64).
_SERIES = {"618": (0.08, 3.5), "60": (0.17, 4.0), "62": (0.25, 5.0), "63": (0.33, 6.0),
           "64": (0.42, 7.5)}


def _rounded_rect(r0: float, r1: float, z0: float, z1: float, rad: float, n: int = 4) -> Profile:
    """(r, z) rectangle with rounded corners; r0 > 0 (a ring section)."""
    rad = max(0.0, min(rad, 0.49 * (r1 - r0), 0.49 * (z1 - z0)))
    if rad < 1e-6:
        return [(r0, z0), (r1, z0), (r1, z1), (r0, z1)]
    pts: Profile = []
    for cr, cz, a0 in ((r1 - rad, z0 + rad, -90), (r1 - rad, z1 - rad, 0),
                       (r0 + rad, z1 - rad, 90), (r0 + rad, z0 + rad, 180)):
        for a in np.radians(np.linspace(a0, a0 + 90, n + 1)):
            pts.append((cr + rad * np.cos(a), cz + rad * np.sin(a)))
    return pts


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


# --- radial contact ball bearings --------------------------------------------------------------

def _groove(rp: float, rg: float, shoulder: float, outer: bool, n: int) -> Profile:
    """Raceway arc of radius ``rg`` centred on the pitch circle, cut between the shoulders."""
    phi0 = np.arccos(shoulder / rg)
    phis = np.linspace(phi0, -phi0, n) if outer else np.linspace(-phi0, phi0, n)
    sign = 1.0 if outer else -1.0
    return [(rp + sign * rg * np.cos(p), rg * np.sin(p)) for p in phis]


def _bearing(rng: Rng) -> Mesh:
    subtype = str(rng.choice(["open_caged", "shielded_2z", "shielded_1z", "sealed_2rs",
                              "flanged", "snap_ring", "simplified_solid"],
                             p=[0.22, 0.18, 0.1, 0.15, 0.12, 0.1, 0.13]))
    sec = S.sections(rng, 16, 96)
    if rng.random() < 0.2:  # miniature 6xx / 68x: thick section relative to the bore
        d = rng.uniform(1.5, 9.0)
        t = d * rng.uniform(0.6, 1.1) + 0.8
    else:
        a, b = _SERIES[str(rng.choice(list(_SERIES)))]
        d = loguniform(rng, 10.0, 200.0)
        t = (a * d + b) * rng.uniform(0.9, 1.12)
    width = t * rng.uniform(0.85, 1.15) * (rng.uniform(1.3, 1.6) if rng.random() < 0.15 else 1.0)
    ri, ro, h = d / 2, d / 2 + t, width / 2
    rp = (ri + ro) / 2
    dw = t * rng.uniform(0.55, 0.62)
    rg = 0.515 * dw
    s = rng.uniform(0.3, 0.4) * dw
    r_s, r_os = rp - s, rp + s
    c = min(0.08 * t, 0.12 * width, 2.5)
    c2 = 0.4 * c
    n_arc = max(5, sec // 5)
    if subtype == "simplified_solid":
        e = width * rng.uniform(0.05, 0.12)
        prof = [(ri + c, -h), (r_s, -h), (r_s, -h + e), (r_os, -h + e), (r_os, -h), (ro - c, -h),
                (ro, -h + c), (ro, h - c), (ro - c, h), (r_os, h), (r_os, h - e), (r_s, h - e),
                (r_s, h), (ri + c, h), (ri, h - c), (ri, -h + c)]
        return labelled(S.revolve(prof, sec), subtype)

    closures = {"open_caged": (False, False), "shielded_2z": (True, True),
                "shielded_1z": (True, False), "sealed_2rs": (True, True)}
    top, bottom = closures.get(subtype, [(False, False), (True, True), (True, True)][
        int(rng.integers(3))])
    seal = subtype == "sealed_2rs" or (subtype in ("flanged", "snap_ring") and rng.random() < 0.4)
    rec, e = 0.12 * (ro - r_os), width * rng.uniform(0.08, 0.14)
    ts = width * (rng.uniform(0.07, 0.1) if seal else rng.uniform(0.03, 0.05))

    inner = [(ri, -h + c), (ri + c, -h), (r_s - c2, -h), (r_s, -h + c2),
             *_groove(rp, rg, s, False, n_arc), (r_s, h - c2), (r_s - c2, h), (ri + c, h),
             (ri, h - c)]
    od: Profile = [(ro - c, -h), (ro, -h + c)]
    if subtype == "snap_ring":
        za, wg, dg = -h + width * 0.18, width * 0.12, 0.12 * (ro - r_os)
        od += [(ro, za), (ro - dg, za), (ro - dg, za + wg), (ro, za + wg)]
    if subtype == "flanged":
        fl, fw = ro * rng.uniform(0.06, 0.1) + 0.3, width * rng.uniform(0.2, 0.3)
        od += [(ro, h - fw), (ro + fl, h - fw), (ro + fl, h - c2), (ro + fl - c2, h)]
    else:
        od += [(ro, h - c), (ro - c, h)]
    top_face = [(r_os + rec, h), (r_os + rec, h - e), (r_os, h - e)] if top else [
        (r_os + c2, h), (r_os, h - c2)]
    bot_face = [(r_os, -h + e), (r_os + rec, -h + e), (r_os + rec, -h)] if bottom else [
        (r_os, -h + c2), (r_os + c2, -h)]
    outer = od + top_face + _groove(rp, rg, s, True, n_arc) + bot_face
    bodies = [S.revolve(inner, sec), S.revolve(outer, sec)]

    for side, closed in ((1.0, top), (-1.0, bottom)):
        if not closed:
            continue
        z0, gap = h - e, 0.03 * t
        if seal:  # rubber lip seal: thick at the outer bead, lip sloping onto the inner ring
            prof = [(r_s + gap, z0), (r_os + rec, z0), (r_os + rec, z0 + ts),
                    (r_os - 0.2 * s, z0 + ts), (r_s + 0.5 * s, z0 + 0.6 * ts),
                    (r_s + gap, z0 + 0.6 * ts)]
        else:
            prof = [(r_s + gap, z0), (r_os + rec, z0), (r_os + rec, z0 + ts), (r_s + gap, z0 + ts)]
        shield = S.revolve(prof, sec)
        if side < 0:
            shield.apply_transform(np.diag([1.0, -1.0, -1.0, 1.0]))
        bodies.append(shield)

    hidden = top and bottom
    if not hidden or rng.random() < 0.5:  # closed bearings are often exported without balls
        n_balls = max(6, int(np.pi * 2 * rp / (dw * rng.uniform(1.3, 1.7))))
        ang = np.linspace(0, 2 * np.pi, n_balls, endpoint=False)
        centres = np.column_stack([rp * np.cos(ang), rp * np.sin(ang), np.zeros_like(ang)])
        sub = 1 if sec <= 24 or n_balls > 24 else 2
        balls = [S.sphere(dw / 2, p, sub) for p in centres]
        bodies += balls
        if rng.random() < 0.85:
            crown = rng.random() < 0.4
            z_lo, z_hi = (-0.62 * dw, 0.3 * dw) if crown else (-0.36 * dw, 0.36 * dw)
            ring = S.tube(rp - 0.17 * dw, rp + 0.17 * dw, z_hi - z_lo, sec, z_lo)
            pockets = S.combine(*[S.sphere(dw * 0.53, p, 1) for p in centres])
            bodies.append(S.difference(ring, pockets))
    if subtype == "snap_ring" and rng.random() < 0.7:
        za, wg, dg = -h + width * 0.18, width * 0.12, 0.12 * (ro - r_os)
        ring = S.tube(ro - dg, ro + dg * 2.5, wg, sec, za)
        bodies.append(S.difference(ring, S.box([ro, ro * 0.15, wg * 3], [ro, 0, za + wg / 2])))
    return labelled(S.combine(*bodies), subtype)


# --- wheels ------------------------------------------------------------------------------------

def _tyre_profile(r_in: float, r_out: float, w_bead: float, w_max: float, power: float,
                  n: int) -> Profile:
    """Superellipse tyre section clipped flat at the bead: power 2 is a balloon, 6 a band."""
    rc = r_in + 0.45 * (r_out - r_in)
    ar, az = r_out - rc, w_max / 2
    pts: Profile = []
    for a in np.linspace(0, 2 * np.pi, 4 * n, endpoint=False):
        ca, sa = np.cos(a), np.sin(a)
        r = rc + ar * np.sign(ca) * abs(ca) ** (2 / power)
        z = az * np.sign(sa) * abs(sa) ** (2 / power)
        if r < r_in:
            r, z = r_in, float(np.clip(z, -w_bead / 2, w_bead / 2))
        if not pts or abs(pts[-1][0] - r) + abs(pts[-1][1] - z) > 1e-6:
            pts.append((r, z))
    return pts


def _keyway(rb: float, length: float) -> Mesh:
    b, t2 = 0.5 * rb, 0.22 * rb
    return S.box([t2 + 0.3 * rb, b, length], [rb + t2 / 2 - 0.15 * rb, 0, 0])


def _centre(rng: Rng, rb: float, rh: float, r_rim: float, width: float, sec: int,
            z_hub: tuple[float, float], web: str) -> Mesh:
    """Hub, web (disc, dished, holed or spoked) and rim of a wheel: one unioned body."""
    rim_t = max(1.0, (r_rim - rh) * rng.uniform(0.08, 0.16))
    hub = S.tube(rb, rh, z_hub[1] - z_hub[0], sec, z_hub[0])
    rim = S.revolve(_rounded_rect(r_rim - rim_t, r_rim, -width / 2, width / 2, rim_t * 0.3, 2),
                    sec)
    r0, r1 = rh - 0.2 * (rh - rb), r_rim - rim_t * 0.5
    if web == "spokes":
        n, ang0 = int(rng.integers(4, 9)), rng.uniform(0, np.pi)
        thick = width * rng.uniform(0.3, 0.6)
        flat = rng.random() < 0.5
        spokes = []
        for a in ang0 + np.linspace(0, 2 * np.pi, n, endpoint=False):
            if flat:
                bar = S.box([r1 - r0, max(1.0, 0.35 * thick), thick], [(r0 + r1) / 2, 0, 0])
                spokes.append(S.rotated(bar, a, [0, 0, 1]))
            else:
                p0, p1 = np.array([np.cos(a), np.sin(a), 0.0]) * r0, np.array(
                    [np.cos(a), np.sin(a), 0.0]) * r1
                spokes.append(S.cylinder_between(p0, p1, thick / 2, max(8, sec // 3)))
        return S.union(hub, rim, *spokes)
    web_t = width * rng.uniform(0.15, 0.4)
    dish = width * rng.uniform(0.1, 0.35) * rng.choice([-1, 1]) if web == "dished" else 0.0
    disc = S.revolve([(r0, dish - web_t / 2), (r1, -web_t / 2), (r1, web_t / 2),
                      (r0, dish + web_t / 2)], sec)
    body = S.union(hub, rim, disc)
    if web == "holes":
        n, rm = int(rng.integers(4, 9)), (rh + r_rim - rim_t) / 2
        rad = min(0.3 * (r_rim - rim_t - rh), 0.7 * np.pi * rm / n)
        holes = [S.cylinder(rad, 4 * width, max(10, sec // 3), -2 * width) for _ in range(n)]
        angs = np.linspace(0, 2 * np.pi, n, endpoint=False)
        body = S.difference(body, S.combine(*[S.moved(hh, [rm * np.cos(a), rm * np.sin(a), 0])
                                              for hh, a in zip(holes, angs, strict=True)]))
    return body


def _tread(rng: Rng, tyre: Mesh, r_in: float, r_out: float, w_max: float, power: float,
           depth: float) -> Mesh:
    """Cut staggered, slanted lugs into a tyre, each lug following the section's curvature."""
    rc = r_in + 0.45 * (r_out - r_in)
    ar, az = r_out - rc, w_max / 2

    def surface(z: float) -> float:
        return rc + ar * max(0.0, 1 - abs(z / az) ** power) ** (1 / power)

    n = int(np.clip(np.pi / rng.uniform(0.06, 0.14), 16, 48))
    gw = 2 * np.pi * r_out / n * rng.uniform(0.25, 0.45)
    slant = np.radians(rng.uniform(0, 25))
    edges = np.linspace(0.0, 0.62 * w_max, 4)
    template = trimesh.creation.box(extents=[1.0, 1.0, 1.0])
    rot = trimesh.transformations.rotation_matrix
    verts: list[np.ndarray] = []
    faces: list[np.ndarray] = []
    # Transform the box corners in numpy: a trimesh copy per lug is the slow part otherwise.
    for k, a in enumerate(np.linspace(0, 2 * np.pi, n, endpoint=False)):
        side = 1 if k % 2 else -1
        spin = rot(a, [0, 0, 1]) @ rot(side * slant, [1, 0, 0], [r_out, 0, 0])
        for z0, z1 in pairwise(edges):
            r_low = surface(z1) - depth
            size = np.array([r_out - r_low + depth, gw, z1 - z0 + 0.2])
            centre = np.array([(r_out + depth + r_low) / 2, 0, side * (z0 + z1) / 2])
            pts = template.vertices * size + centre
            faces.append(template.faces + 8 * len(verts))
            verts.append(pts @ spin[:3, :3].T + spin[:3, 3])
    cutters = trimesh.Trimesh(np.vstack(verts), np.vstack(faces), process=False)
    return S.difference(tyre, cutters)


def _wheel(rng: Rng) -> Mesh:
    subtype = str(rng.choice(["disc_tyred", "spoked_tyred", "pneumatic_tread", "v_pulley",
                              "track_wheel", "moulded_solid", "dished_tyred"]))
    sec = S.sections(rng, 20, 96)
    diameter = loguniform(rng, 50.0, 600.0)
    r_out = diameter / 2
    width = diameter * loguniform(rng, 0.12, 0.5)
    rb = float(np.clip(r_out * rng.uniform(0.06, 0.16), 3.0, 40.0))
    rh = max(rb * rng.uniform(1.5, 2.2) + 2, r_out * rng.uniform(0.1, 0.22))
    ext = width * rng.uniform(0.0, 0.4)
    z_hub = (-width / 2 - (ext if rng.random() < 0.6 else 0.0), width / 2 + ext)
    bodies: list[Mesh] = []
    if subtype in ("disc_tyred", "spoked_tyred", "pneumatic_tread", "dished_tyred"):
        pneumatic = subtype == "pneumatic_tread"
        tyre_h = r_out * (rng.uniform(0.25, 0.4) if pneumatic else rng.uniform(0.08, 0.25))
        r_rim = r_out - tyre_h
        rim_w = width * (rng.uniform(0.6, 0.8) if pneumatic else 1.0)
        web = {"spoked_tyred": "spokes", "dished_tyred": "dished"}.get(
            subtype, str(rng.choice(["disc", "holes", "dished"])))
        rh = min(rh, rb + 0.45 * (r_rim - rb))
        bodies.append(_centre(rng, rb, rh, r_rim, rim_w, sec, z_hub, web))
        power = rng.uniform(2.0, 3.0) if pneumatic else rng.uniform(3.0, 8.0)
        tyre = S.revolve(_tyre_profile(r_rim, r_out, rim_w, width, power, max(4, sec // 6)), sec)
        if pneumatic or rng.random() < 0.3:
            tyre = _tread(rng, tyre, r_rim, r_out, width, power,
                          tyre_h * rng.uniform(0.12, 0.25))
        bodies.append(tyre)
    elif subtype == "v_pulley":
        n_g = int(rng.choice([1, 1, 2, 2, 3, 4]))
        bw = float(np.clip(r_out * rng.uniform(0.08, 0.14), 5.0, 32.0))
        depth, pitch, edge = 1.1 * bw, 1.25 * bw, 0.8 * bw
        width = 2 * edge + (n_g - 1) * pitch
        half = np.tan(np.radians(rng.uniform(17, 19))) * depth
        rim_in = r_out - depth - max(2.0, 0.3 * bw)
        prof: Profile = [(rim_in, -width / 2), (r_out, -width / 2)]
        for g in range(n_g):
            zc = -width / 2 + edge + g * pitch
            prof += [(r_out, zc - bw / 2), (r_out - depth, zc - bw / 2 + half),
                     (r_out - depth, zc + bw / 2 - half), (r_out, zc + bw / 2)]
        prof += [(r_out, width / 2), (rim_in, width / 2)]
        rh = min(rh, rb + 0.6 * (rim_in - rb))
        z_hub = (-width / 2 - width * rng.uniform(0, 0.5), width / 2 + width * rng.uniform(0, 0.5))
        if rim_in - rh < 0.15 * r_out:  # small pulleys are solid
            z_hub = (-width / 2, width / 2)
            bodies.append(S.union(S.revolve(prof, sec), S.tube(rb, rim_in * 1.01, width, sec,
                                                                -width / 2)))
        else:
            web = str(rng.choice(["disc", "holes", "spokes"]))
            bodies.append(S.union(S.revolve(prof, sec),
                                  _centre(rng, rb, rh, rim_in * 1.02, width * 0.9, sec, z_hub,
                                          web)))
    elif subtype == "track_wheel":
        fl, fw = r_out * rng.uniform(0.06, 0.12), width * rng.uniform(0.12, 0.2)
        double = rng.random() < 0.6
        rt = r_out - fl
        lo = [(rt, -width / 2 + fw * 1.6), (rt + fl * 0.9, -width / 2 + fw * 0.4),
              (rt + fl, -width / 2 + fw * 0.2), (rt + fl, -width / 2)] if double else [
            (rt, -width / 2)]
        hi = [(rt + fl, width / 2), (rt + fl, width / 2 - fw * 0.2),
              (rt + fl * 0.9, width / 2 - fw * 0.4), (rt, width / 2 - fw * 1.6)]
        rim_in = rt - max(2.0, 0.12 * rt)
        prof = [(rim_in, -width / 2), *lo[::-1], *hi[::-1], (rim_in, width / 2)]
        rh = min(rh, rb + 0.6 * (rim_in - rb))
        web = str(rng.choice(["disc", "disc", "holes"]))
        bodies.append(S.union(S.revolve(prof, sec),
                              _centre(rng, rb, rh, rim_in * 1.02, width * 0.95, sec, z_hub, web)))
    else:  # moulded_solid: nylon / polyurethane wheel in one piece with hub recesses
        tyre = S.revolve(_tyre_profile(rb, r_out, width, width, rng.uniform(3.0, 10.0),
                                       max(4, sec // 6)), sec)
        rec_r = rh + (r_out - rh) * rng.uniform(0.3, 0.6)
        rec_d = width * rng.uniform(0.15, 0.3)
        cut = S.combine(S.tube(rh, rec_r, rec_d + 1, sec, width / 2 - rec_d),
                        S.tube(rh, rec_r, rec_d + 1, sec, -width / 2 - 1))
        bodies.append(S.union(S.difference(tyre, cut), S.tube(rb, rh * 1.02, z_hub[1] - z_hub[0],
                                                              sec, z_hub[0])))
    if rng.random() < 0.35:
        bodies[0] = S.difference(bodies[0], _keyway(rb, 4 * (z_hub[1] - z_hub[0]) + 10))
    return labelled(S.combine(*bodies), subtype)


# --- castors -----------------------------------------------------------------------------------

def _castor_wheel(rng: Rng, diameter: float, width: float, r_axle: float, sec: int) -> Mesh:
    """A castor's wheel on +Z: rubber tyre on a centre, or a moulded one-piece wheel."""
    r_out, rb = diameter / 2, r_axle * 1.05
    rh = rb + max(2.0, 0.35 * rb + 0.05 * diameter)
    if rng.random() < 0.55:
        tyre_h = r_out * rng.uniform(0.15, 0.3)
        centre = _centre(rng, rb, rh, r_out - tyre_h, width * 0.95, sec,
                         (-width / 2, width / 2), str(rng.choice(["disc", "disc", "holes"])))
        tyre = S.revolve(_tyre_profile(r_out - tyre_h, r_out, width * 0.95, width,
                                       rng.uniform(2.5, 8.0), max(4, sec // 8)), sec)
        return S.combine(centre, tyre)
    body = S.revolve(_tyre_profile(rb, r_out, width, width, rng.uniform(3.0, 10.0),
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


def _castor(rng: Rng) -> Mesh:
    subtype = str(rng.choice(["fixed_plate", "swivel_plate", "swivel_plate_brake",
                              "swivel_stem", "swivel_bolt_hole", "twin_wheel_stem",
                              "twin_wheel_plate"]))
    sec = S.sections(rng, 16, 80)
    chair = subtype == "twin_wheel_stem"
    diameter = rng.uniform(40.0, 100.0) if chair else loguniform(rng, 35.0, 250.0)
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
    wheel = _castor_wheel(rng, diameter, width, r_axle, sec)
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
    # axle: a bolt with a hex head on one side and a nut on the other
    bodies.append(S.cylinder_between([offset, -y_ax - 1.5 * r_axle, zc],
                                     [offset, y_ax + 0.8 * r_axle, zc], r_axle, max(10, sec // 3)))
    for y0, h in ((y_ax, 1.6 * r_axle), (-y_ax - 1.4 * r_axle, 1.4 * r_axle))[:0 if chair else 2]:
        nut = S.rotated(S.hex_prism(3.2 * r_axle, h), -np.pi / 2, [1, 0, 0])
        bodies.append(S.moved(nut, [offset, y0, zc]))
    if subtype == "swivel_plate_brake" or (swivel and not chair and rng.random() < 0.2):
        bodies.append(_brake(rng, diameter, offset, zc, y_ax + 2, tl))
    return centred(S.combine(*bodies), subtype)


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


BUILDERS: dict[str, Callable[[Rng], Mesh]] = {
    "Radial contact ball bearings": _bearing,
    "Wheel": _wheel,
    "Castor": _castor,
}
