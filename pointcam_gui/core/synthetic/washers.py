"""Thrust washers: plain flat, fender, shouldered, bronze thrust, oil-grooved, located, half and
raceway washers.

Plain washers follow ISO 7092/7089/7093 on the ISO 4032 nut sizes, fender (penny) washers reach
five times the hole's radius, and a shouldered washer has a short collar round its hole (as
printed and machined locating washers do); the others are catalogue-like bronze and bearing
washers. Every washer is centred on its bounding box, axis along +Z.
"""

from __future__ import annotations

import numpy as np
import trimesh

from pointcam_gui.core.synthetic import Builder
from pointcam_gui.core.synthetic import shapes as sh
from pointcam_gui.core.synthetic.catalogue import centred, loguniform, pick
from pointcam_gui.core.synthetic.hardware import NUT_TABLE

Mesh = trimesh.Trimesh

# Sub-types and how often each is drawn; the builder also takes one of these as ``kind``.
WASHER_KINDS = {"plain_flat": 1, "fender": 0.6, "shouldered": 0.5, "thrust": 1.2,
                "oil_grooved": 1.3, "located": 1, "half": 0.5, "raceway": 0.6, "heavy_flat": 0.6}


def _ring_profile(ri: float, ro: float, t: float, c: float) -> list[tuple[float, float]]:
    c = min(c, 0.4 * t, 0.3 * (ro - ri))
    if c < 1e-3:
        return [(ri, 0), (ro, 0), (ro, t), (ri, t)]
    return [(ri + c, 0), (ro - c, 0), (ro, c), (ro, t - c), (ro - c, t), (ri + c, t), (ri, t - c),
            (ri, c)]


def _oil_grooves(ri: float, ro: float, t: float, rng: np.random.Generator,
                 n: int, both: bool, phase: float = 0.0) -> Mesh:
    """Radial lubrication grooves across one or both faces (rectangular or round section)."""
    w = (ro - ri) * rng.uniform(0.12, 0.3)
    dep = t * rng.uniform(0.15, 0.35)
    rounded = rng.random() < 0.5
    if rounded:  # a round groove deeper than its radius would be a tunnel
        dep = min(dep, 0.45 * w)
    cut = []
    for face in ([t, 0.0] if both else [t]):
        for k in range(n):
            if rounded:
                g = sh.cylinder_between([ri * 0.9, 0, 0], [ro * 1.05, 0, 0], w / 2, 12)
                g = sh.moved(g, [0, 0, face - dep + w / 2 if face else dep - w / 2])
            else:
                g = sh.box([ro * 1.15 - ri * 0.9, w, 2 * dep],
                           [(ri * 0.9 + ro * 1.15) / 2, 0, face])
            ang = phase + 2 * np.pi * k / n + (np.pi / n if face == 0.0 else 0.0)
            cut.append(sh.rotated(g, ang, [0, 0, 1]))
    return sh.union(*cut)


def thrust_washer(rng: np.random.Generator, kind: str | None = None) -> Mesh:
    kind = kind or pick(rng, WASHER_KINDS)
    sec = sh.sections(rng, 16)
    if kind == "plain_flat":  # ISO 7092 small / 7089 normal / 7093 large series
        d = float(NUT_TABLE[rng.integers(len(NUT_TABLE)), 0])
        ri = d * rng.uniform(1.04, 1.1) / 2
        ro = d * float(rng.choice([rng.uniform(0.85, 0.95), rng.uniform(0.95, 1.1),
                                   rng.uniform(1.4, 1.6)]))
        t = max(0.3, d * rng.uniform(0.08, 0.22))
    elif kind in ("fender", "shouldered"):  # wide rings: 2.5-5 times the hole, low-poly often
        d = float(NUT_TABLE[rng.integers(len(NUT_TABLE)), 0])
        ri = d * rng.uniform(1.04, 1.2) / 2
        ro = ri * rng.uniform(2.5, 5.0)
        t = max(0.3, ro * rng.uniform(0.06, 0.2))
        sec = int(rng.choice([24, 32, 48, sec]))
    elif kind == "heavy_flat":  # thick washers (DIN 6340/7349 style), often modelled coarsely
        d = float(NUT_TABLE[rng.integers(len(NUT_TABLE)), 0])
        ri = d * rng.uniform(1.04, 1.15) / 2
        ro = d * rng.uniform(0.9, 1.6)
        t = d * rng.uniform(0.25, 0.5)
        sec = int(rng.choice([12, 16, 20, 24, 32]))  # fewer sides would read as a nut
    else:
        ro = loguniform(rng, 4, 90)
        ri = ro * rng.uniform(0.35, 0.8)
        t = max(0.3, 2 * ro * loguniform(rng, 0.015, 0.25))
    # A washer is thin across its ring: thicker than 0.7 of the ring's width it would be a bushing
    # or, with a recess, the solid model of a radial bearing (at least 0.85 times as wide as its
    # section); catalogue thrust washers stay below that.
    t = min(t, 0.7 * (ro - ri))
    c = min(t, ro - ri) * float(rng.choice([0.0, rng.uniform(0.05, 0.25)]))
    if kind == "raceway":  # thrust ball bearing shaft/housing washer: toroidal track on one face
        t = (ro - ri) * rng.uniform(0.3, 0.6)  # 511xx-513xx washers: 0.3-0.6 of the ring width
        rb = (ro - ri) * rng.uniform(0.22, 0.32)
        rm = (ri + ro) / 2
        zc = t + rb * rng.uniform(0.45, 0.7)
        half = np.sqrt(max(rb**2 - (zc - t) ** 2, 1e-9))
        a0, a1 = np.arctan2(t - zc, half), np.arctan2(t - zc, -half)
        arc = [(rm + rb * np.cos(a), zc + rb * np.sin(a))
               for a in np.linspace(a0, a1, 12)]
        body = sh.revolve([(ri, 0), (ro, 0), (ro, t), *arc, (ri, t)], sec)
        return centred(body, "raceway_washer")
    if kind == "shouldered":  # a collar round the hole, on one face
        rc = min(ri + (ro - ri) * rng.uniform(0.2, 0.45), ro * 0.7)
        h = t * rng.uniform(0.25, 0.9)
        f = min(h, rc - ri) * rng.uniform(0.0, 0.6)  # fillet-like chamfer at the collar's foot
        body = sh.revolve([(ri, 0), (ro, 0), (ro, t), (rc + f, t), (rc, t + f), (rc, t + h),
                           (ri, t + h)] if f > 1e-3 else
                          [(ri, 0), (ro, 0), (ro, t), (rc, t), (rc, t + h), (ri, t + h)], sec)
        return centred(body, "shouldered_washer")
    body = sh.revolve(_ring_profile(ri, ro, t, c), sec)
    if kind == "oil_grooved":
        n = int(rng.choice([2, 3, 4, 4, 6, 8]))
        body = sh.difference(body, _oil_grooves(ri, ro, t, rng, n, rng.random() < 0.4))
        if rng.random() < 0.3:
            kind = "oil_grooved_located"
            body = _locate(body, ri, ro, t, rng)
    elif kind == "located":
        body = _locate(body, ri, ro, t, rng)
    elif kind == "half":  # crankshaft half thrust washer: half ring, two grooves, a tab
        body = sh.intersection(body, sh.box([4 * ro, 2 * ro, 4 * t], [0, ro, t / 2]))
        body = sh.difference(body, _oil_grooves(ri, ro, t, rng, 4, False, np.pi / 4))
        body = sh.union(body, sh.box([ro * 0.25, ro * 0.25, t], [0, ro * 1.08, t / 2]))
    return centred(body, f"{kind}_washer")


def _locate(body: Mesh, ri: float, ro: float, t: float, rng: np.random.Generator) -> Mesh:
    """Anti-rotation feature: dowel hole(s), an outer tab (flat or bent) or an edge notch."""
    how = pick(rng, {"dowel": 1, "tab": 1, "bent_tab": 0.7, "notch": 0.7})
    wr = ro - ri
    if how == "dowel":
        rh = wr * rng.uniform(0.12, 0.3)
        hole = sh.moved(sh.cylinder(rh, 3 * t, 16, -t), [(ri + ro) / 2, 0, 0])
        holes = [sh.rotated(hole, np.pi * k, [0, 0, 1]) for k in range(int(rng.integers(1, 3)))]
        return sh.difference(body, *holes)
    w = wr * rng.uniform(0.4, 0.9)
    if how == "notch":
        return sh.difference(body, sh.box([wr * 0.8, w, 3 * t], [ro, 0, t / 2]))
    out = wr * rng.uniform(0.3, 0.6)
    tab = sh.box([out + wr * 0.2, w, t], [ro + out / 2 - wr * 0.1, 0, t / 2])
    if how == "bent_tab":
        drop = max(t * 2, wr * rng.uniform(0.4, 0.8))
        tab = sh.union(tab, sh.box([t, w, drop + t], [ro + out - t / 2, 0, t - (drop + t) / 2]))
    return sh.union(body, tab)


BUILDERS: dict[str, Builder] = {"Thrust washers": thrust_washer}
