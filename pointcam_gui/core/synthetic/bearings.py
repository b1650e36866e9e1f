"""Radial contact (deep-groove) ball bearings: open, shielded, sealed, flanged, snap-ring.

Sections follow the ISO 15 dimension series (618, 60, 62, 63, 64) and miniature bearings; a
bearing stays several bodies (rings, balls, cage, shields), as CAD exports of bearings are,
and closed ones are sometimes exported without their balls. Axis along +Z, centred on z = 0.
"""

from __future__ import annotations

import numpy as np
import trimesh

from pointcam_gui.core.synthetic import Builder
from pointcam_gui.core.synthetic import shapes as S
from pointcam_gui.core.synthetic.catalogue import labelled, loguniform

Rng = np.random.Generator
Mesh = trimesh.Trimesh
Profile = list[tuple[float, float]]


# Radial section t = (D - d) / 2 ~ a * d + b per ISO dimension series (fits 618, 60, 62, 63, 64).
_SERIES = {"618": (0.08, 3.5), "60": (0.17, 4.0), "62": (0.25, 5.0), "63": (0.33, 6.0),
           "64": (0.42, 7.5)}


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


BUILDERS: dict[str, Builder] = {"Radial contact ball bearings": _bearing}
