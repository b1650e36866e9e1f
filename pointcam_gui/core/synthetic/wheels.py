"""Wheels: tyred disc, spoked and dished wheels, treaded pneumatics, V-pulleys, track wheels.

A wheel is a centre (hub, web and rim; DIN 6885 keyway sometimes) and, for tyred kinds, a
separate tyre body with a superellipse section. Castors reuse ``wheel_centre`` and
``tyre_profile`` for their own wheels. Axis along +Z.
"""

from __future__ import annotations

from itertools import pairwise

import numpy as np
import trimesh

from pointcam_gui.core.synthetic import Builder
from pointcam_gui.core.synthetic import shapes as S
from pointcam_gui.core.synthetic.catalogue import labelled, loguniform

Rng = np.random.Generator
Mesh = trimesh.Trimesh
Profile = list[tuple[float, float]]


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


def tyre_profile(r_in: float, r_out: float, w_bead: float, w_max: float, power: float,
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


def wheel_centre(rng: Rng, rb: float, rh: float, r_rim: float, width: float, sec: int,
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
        bodies.append(wheel_centre(rng, rb, rh, r_rim, rim_w, sec, z_hub, web))
        power = rng.uniform(2.0, 3.0) if pneumatic else rng.uniform(3.0, 8.0)
        tyre = S.revolve(tyre_profile(r_rim, r_out, rim_w, width, power, max(4, sec // 6)), sec)
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
                                  wheel_centre(rng, rb, rh, rim_in * 1.02, width * 0.9, sec,
                                               z_hub, web)))
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
                              wheel_centre(rng, rb, rh, rim_in * 1.02, width * 0.95, sec, z_hub,
                                           web)))
    else:  # moulded_solid: nylon / polyurethane wheel in one piece with hub recesses
        tyre = S.revolve(tyre_profile(rb, r_out, width, width, rng.uniform(3.0, 10.0),
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


BUILDERS: dict[str, Builder] = {"Wheel": _wheel}
