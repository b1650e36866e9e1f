"""Tapping screws: seven head forms, four drives, cone, flat or self-drilling points.

Threads follow ISO 1478, heads ISO 7049/7050/7053, drilling points ISO 15480. The thread is a
modelled ridge that follows the point's cone and runs out at both ends. Every screw is centred
on its bounding box with its axis along +Z, head up.
"""

from __future__ import annotations

import numpy as np
import trimesh

from pointcam_gui.core.synthetic import Builder
from pointcam_gui.core.synthetic import shapes as sh
from pointcam_gui.core.synthetic.catalogue import centred, loguniform, pick
from pointcam_gui.core.synthetic.hardware import hex_body
from pointcam_gui.core.synthetic.threads import runout, thread_ridge

Mesh = trimesh.Trimesh

# ISO 1478 tapping-screw threads: nominal d, pitch P.
ST_TABLE = np.array([(2.2, 0.8), (2.9, 1.1), (3.5, 1.3), (3.9, 1.3), (4.2, 1.4), (4.8, 1.6),
                     (5.5, 1.8), (6.3, 1.8), (8.0, 2.1), (9.5, 2.1)])

# Head forms and how often each is drawn; the builder also takes one of these as ``kind``.
SCREW_HEADS = {"pan": 1.5, "countersunk": 1.3, "raised_countersunk": 0.6, "hex_washer": 1,
               "round": 0.7, "wafer": 0.5, "cheese": 0.5}


def _dome(rk: float, k: float, edge: float, n: int = 9) -> list[tuple[float, float]]:
    """Points of a spherical cap from (rk, edge) up to (0, k), for round and pan heads."""
    big = (rk**2 + (k - edge) ** 2) / (2 * (k - edge))
    a = np.linspace(np.arcsin(min(rk / big, 1.0)), 0.0, n)
    return [(big * np.sin(x), k - big + big * np.cos(x)) for x in a]


def _screw_head(head: str, d: float, rng: np.random.Generator, sec: int
                ) -> tuple[Mesh, float, float]:
    """Head solid above z=0 (countersunk ones below); returns it with its top z and radius."""
    if head in ("pan", "round", "wafer"):
        rk, k = {"pan": (d * rng.uniform(0.9, 1.05), d * rng.uniform(0.6, 0.75)),
                 "round": (d * rng.uniform(0.85, 1.05), d * rng.uniform(0.55, 0.7)),
                 "wafer": (d * rng.uniform(1.2, 1.5), d * rng.uniform(0.35, 0.5))}[head]
        edge = k * (rng.uniform(0.45, 0.65) if head == "pan" else rng.uniform(0.0, 0.15))
        prof = [(0.0, 0.0), (rk, 0.0), *_dome(rk, k, edge)]
        return sh.revolve(prof, sec), k, rk
    if head == "cheese":
        rk, k = d * rng.uniform(0.8, 0.9), d * rng.uniform(0.6, 0.75)
        return sh.revolve(sh.chamfered_cylinder_profile(rk, k, k * 0.15), sec), k, rk
    if head == "hex_washer":  # ISO 7053
        rw, tw = d * rng.uniform(1.0, 1.1), d * rng.uniform(0.12, 0.2)
        s, kh = d * rng.uniform(1.45, 1.75), d * rng.uniform(0.45, 0.6)
        washer = sh.revolve([(0, 0), (rw, 0), (rw, tw * 0.6), (s * 0.5, tw), (0, tw)], sec)
        return sh.union(washer, hex_body(s, kh, False, True, sec, rng, tw - 0.01)), tw + kh, s / 2
    rk = d * rng.uniform(0.9, 1.05)  # countersunk, 90 degrees, top face at z=0
    kc = rk - d * 0.4
    prof = [(0.0, -kc - 0.01), (d * 0.4, -kc), (rk, 0.0)]
    top = 0.0
    if head == "raised_countersunk":
        top = kc * rng.uniform(0.2, 0.35)
        prof += _dome(rk, top, 0.0)
    else:
        prof.append((0.0, 0.0))
    return sh.revolve(prof, sec), top, rk


def _recess(kind: str, d: float, top: float, rk: float, rng: np.random.Generator) -> Mesh:
    """Drive recess cutter hanging down from the head's top at z=``top``."""
    up = top + d
    if kind == "slot":
        depth = d * rng.uniform(0.3, 0.45)
        w = d * rng.uniform(0.18, 0.28)
        return sh.box([rk * 2.4, w, up - top + depth], [0, 0, (up + top - depth) / 2])
    if kind == "cross":  # Phillips-like: cross arms whose floors slope up to the rim
        rr = d * rng.uniform(0.45, 0.6)
        a = rr * rng.uniform(0.16, 0.24)
        depth = d * rng.uniform(0.45, 0.6)
        cross = np.array([(rr, -a), (rr, a), (a, a), (a, rr), (-a, rr), (-a, a), (-rr, a),
                          (-rr, -a), (-a, -a), (-a, -rr), (a, -rr), (a, -a)])
        arms = sh.prism(cross, up - top + depth, top - depth)
        cone = sh.revolve([(0.0, top - depth), (rr * 1.15, top + 0.01), (rr * 1.15, up),
                           (0.0, up)], 16)
        centre = sh.revolve([(0.0, top - depth * 0.9), (a * 1.8, top + 0.01), (a * 1.8, up),
                             (0.0, up)], 16)
        return sh.union(sh.intersection(arms, cone), centre)
    depth = d * rng.uniform(0.3, 0.5)
    rs = d * rng.uniform(0.28, 0.36)
    if kind == "hex":
        poly = sh.regular_polygon(6, rs)
    else:  # six-lobe star
        t = np.linspace(0, 2 * np.pi, 48, endpoint=False)
        rad = rs * (0.8 + 0.2 * np.cos(6 * t))
        poly = np.column_stack([rad * np.cos(t), rad * np.sin(t)])
    return sh.prism(poly, up - top + depth, top - depth)


def tapping_screw(rng: np.random.Generator, kind: str | None = None) -> Mesh:
    head = kind or pick(rng, SCREW_HEADS)
    d, pitch = ST_TABLE[rng.integers(len(ST_TABLE))]
    shortest = 2.6 if head in ("countersunk", "raised_countersunk", "wafer") else 2.0
    length = float(np.clip(d * loguniform(rng, shortest, 11.0), 4.5, 100.0))
    recess = pick(rng, {"none": 2, "slot": 1, "cross": 1} if head == "hex_washer" else
                   {"cross": 3, "slot": 1.3, "hex": 0.8, "star": 0.7})
    tip = pick(rng, {"cone": 3, "flat": 1, "drill": 1.2})
    sec = sh.sections(rng, 16, 64)
    per_turn = int(rng.choice([12, 16, 20, 24, 32]))
    r1 = d / 2 * rng.uniform(0.68, 0.75)
    dep = d / 2 - r1
    z_tip = -length
    head_mesh, top, rk = _screw_head(head, d, rng, sec)
    if tip == "cone":  # ISO 1478 type C: thread runs down the cone to the point
        lt = d * rng.uniform(0.7, 1.2)
        r_end = r1 * rng.uniform(0.0, 0.15)
        core = [(0, z_tip), (r_end, z_tip), (r1, z_tip + lt)]
        thr0 = z_tip + max(lt * 0.12, 0.4 * pitch)
    elif tip == "flat":  # type F: short chamfered dog end
        lt = pitch * rng.uniform(0.6, 1.2)
        core = [(0, z_tip), (r1 * 0.85, z_tip), (r1, z_tip + lt)]
        thr0 = z_tip + 0.4 * pitch
    else:  # ISO 15480 self-drilling point
        rp = d * rng.uniform(0.36, 0.42)
        lp = d * rng.uniform(1.0, 1.8)
        lt = rp / np.tan(np.radians(rng.uniform(55, 67)))
        core = [(0, z_tip), (rp, z_tip + lt), (rp, z_tip + lp), (r1, z_tip + lp + pitch * 0.3)]
        thr0 = z_tip + lp
    unthreaded = length * rng.uniform(0.15, 0.45) if length > 8 * d and rng.random() < 0.5 else 0.0
    thr1 = min(float(head_mesh.bounds[0, 2]), 0.0) - unthreaded - 0.3 * pitch
    if unthreaded:  # a plain shank near full diameter between the thread and the head
        rs = d / 2 * rng.uniform(0.82, 0.95)
        core += [(r1, thr1 - 0.5 * pitch), (rs, thr1 + 0.5 * pitch)]
    else:
        rs = r1
    core_mesh = sh.revolve([*core, (rs, 0.5 * top), (0, 0.5 * top)], sec)

    def base(z: np.ndarray) -> np.ndarray:
        if tip == "cone":
            return core[1][0] + (r1 - core[1][0]) * np.clip((z - z_tip) / lt, 0, 1)
        return np.full_like(z, r1)

    ramp = runout(thr0, thr1, pitch * (0.5 if tip == "cone" else 0.8))

    def depth(z: np.ndarray) -> np.ndarray:
        return dep * ramp(z) * (np.clip(base(z) / r1, 0.1, 1) if tip == "cone" else 1.0)

    thread = thread_ridge(thr0, thr1, pitch, base, depth, per_turn)
    body = sh.union(head_mesh, core_mesh, thread)
    cut = [] if recess == "none" else [_recess(recess, d, top, rk, rng)]
    if tip == "drill":  # two flutes leave a web of the drill point
        fl = lp * rng.uniform(0.7, 1.0)
        flute = sh.box([rp * 1.3, rp * 1.3, fl], [rp * 0.35 + rp * 0.65, rp * 0.55, z_tip + fl / 2])
        cut += [flute, sh.rotated(flute, np.pi, [0, 0, 1])]
    body = sh.difference(body, *cut)
    return centred(body, f"{head}_{recess}_{tip}_screw")


BUILDERS: dict[str, Builder] = {"Tapping screws": tapping_screw}
