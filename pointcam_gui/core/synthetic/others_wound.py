"""Outlier screws and springs: socket and button-head machine screws; wound wire springs.

Machine screws differ from the tapping-screw class on purpose: a hex socket, a fine shallow
thread (or a plain cosmetic shank) and a flat chamfered end, never a point. Springs are round
wire swept along a helix, closed and ground (compression) or with end loops (extension).
"""

from __future__ import annotations

import numpy as np
import trimesh

from pointcam_gui.core.synthetic import shapes as sh
from pointcam_gui.core.synthetic.catalogue import centred, loguniform, pick
from pointcam_gui.core.synthetic.threads import runout, thread_ridge

Mesh = trimesh.Trimesh
Rng = np.random.Generator

SCREW_KINDS = {"socket_cap": 2.0, "button_head": 1.3, "low_head_cap": 0.6,
               "flanged_button": 0.6}
SPRING_KINDS = {"compression": 2.0, "extension": 1.3, "torsion": 0.8}
# ISO 4762 sizes: d, pitch, head diameter dk, hex socket s.
CAP_TABLE = np.array([(2, 0.4, 3.8, 1.5), (2.5, 0.45, 4.5, 2), (3, 0.5, 5.5, 2.5),
                      (4, 0.7, 7, 3), (5, 0.8, 8.5, 4), (6, 1, 10, 5), (8, 1.25, 13, 6),
                      (10, 1.5, 16, 8), (12, 1.75, 18, 10), (16, 2, 24, 14), (20, 2.5, 30, 17)])


def machine_screw(rng: Rng, kind: str | None = None) -> Mesh:
    kind = kind or pick(rng, SCREW_KINDS)
    d, pitch, dk, s = CAP_TABLE[rng.integers(len(CAP_TABLE))]
    r = d / 2
    length = float(np.clip(d * loguniform(rng, 1.5, 10), 4, 200))
    sec = sh.sections(rng, 16, 64)
    if kind == "socket_cap":
        k, rk = d, dk / 2
        c = rk * rng.uniform(0.05, 0.12)
        head = [(0.0, 0.0), (rk, 0.0), (rk, k - c), (rk - c, k), (0.0, k)]
        depth = k * rng.uniform(0.45, 0.6)
    elif kind == "low_head_cap":
        k, rk = d * rng.uniform(0.5, 0.65), dk / 2
        head = [(0.0, 0.0), (rk, 0.0), (rk, k * 0.8), (rk * 0.9, k), (0.0, k)]
        depth = k * 0.6
        s *= 0.8
    else:  # ISO 7380 button head, with or without a flange
        rk, k = d * 0.875, d * 0.55
        big = (rk**2 + (k * 0.85) ** 2) / (2 * k * 0.85)
        a = np.linspace(np.arcsin(min(rk / big, 1.0)), 0.0, 10)
        dome = [(big * np.sin(x), k - big + big * np.cos(x)) for x in a]
        head = [(0.0, 0.0), (rk, 0.0), *dome]
        if kind == "flanged_button":
            rf = rk * 1.3
            head = [(0.0, 0.0), (rf, 0.0), (rf, k * 0.18), (rk * 0.98, k * 0.2), *dome[1:]]
        depth = k * 0.55
        s *= 0.7
    head_mesh = sh.revolve(head, sec)
    style = pick(rng, {"thread": 1.0, "grooved": 0.8, "plain": 0.6})
    ce = min(0.6 * pitch + 0.1 * r, length * 0.1)
    threaded = length if length < 5 * d or rng.random() < 0.5 else max(2 * d + 6, 0.5 * length)
    dep = 0.54 * pitch if style != "plain" else 0.0
    r_core = r - dep if style == "thread" else r
    ce = min(ce, r_core - 0.6 * r)  # a chamfered flat end, never a point
    core = [(0.0, -length), (r_core - ce, -length), (r_core, -length + ce),
            (r_core, -length + threaded), (r * 0.98, -length + threaded + pitch), (r * 0.98, 0.1),
            (0.0, 0.1)]
    if style == "grooved":
        zs = np.arange(-length + ce + pitch, -length + threaded - pitch, pitch)[:80]
        teeth = [p for z in zs for p in ((r - dep, z), (r, z + pitch / 2))]
        core = core[:3] + teeth + core[3:]
    body = sh.union(head_mesh, sh.revolve(core, sec))
    if style == "thread" and threaded > 3 * pitch:
        z0, z1 = -length + ce * 0.5, -length + threaded
        p_used = max(pitch, threaded / 60)  # a fine long thread would cost too many faces
        ridge = thread_ridge(z0, z1, p_used, lambda z: np.full_like(z, r_core),
                             lambda z: dep * runout(z0, z1, p_used)(z), 16)
        body = sh.union(body, ridge)
    socket = sh.prism(sh.regular_polygon(6, s / np.sqrt(3)), depth + 1, float(
        head_mesh.bounds[1, 2]) - depth)
    cone = sh.revolve([(0.0, float(head_mesh.bounds[1, 2]) - depth - s * 0.3),
                       (s / np.sqrt(3) * 0.95, float(head_mesh.bounds[1, 2]) - depth + 0.01),
                       (0.0, float(head_mesh.bounds[1, 2]) - depth + 0.01)], 6)
    body = sh.difference(body, socket, cone)
    return centred(body, f"{kind}_{style}_screw")


def _helix(r: float, pitches: np.ndarray, per_turn: int) -> np.ndarray:
    """Points of a helix of radius ``r`` whose pitch may change turn by turn."""
    n = len(pitches)
    t = np.linspace(0.0, n * 2 * np.pi, n * per_turn + 1)
    rise = np.interp(t / (2 * np.pi), np.arange(n + 1), np.r_[0.0, np.cumsum(pitches)])
    return np.column_stack([r * np.cos(t), r * np.sin(t), rise])


def spring(rng: Rng, kind: str | None = None) -> Mesh:
    kind = kind or pick(rng, SPRING_KINDS)
    wire = loguniform(rng, 0.3, 6)
    index = rng.uniform(4, 14)  # spring index: coil diameter / wire
    rm = wire * index / 2
    turns = int(rng.integers(4, 22))
    per_turn = int(rng.choice([16, 20, 24, 32]))
    k = int(rng.choice([8, 10, 12, 16]))
    if kind == "compression":
        free = wire * rng.uniform(1.6, 4.0)
        ends = 1 if rng.random() < 0.8 else 0
        pitches = np.r_[[wire * 1.05] * ends, [free] * turns, [wire * 1.05] * ends]
        path = _helix(rm, pitches, per_turn)
        body = sh.sweep_circle(path, wire / 2, k)
        if ends and rng.random() < 0.7:  # ground flat ends
            top = float(path[-1, 2])
            slab = sh.box([4 * rm, 4 * rm, top + 0.0], [0, 0, top / 2])
            ground = sh.intersection(body, slab)
            if len(ground.faces) and ground.is_watertight:  # else a self-touching sweep
                body, kind = ground, "ground_compression"
        return centred(body, f"{kind}_spring")
    if kind == "extension":
        pitches = np.full(turns, wire * 1.04)
        path = _helix(rm, pitches, per_turn)
        top = float(path[-1, 2])
        # Machine loops: the end coil runs straight up, then bends over the axis in a ring.
        rl = rm * rng.uniform(0.8, 1.0)
        up = np.column_stack([np.full(4, rm), np.zeros(4), np.linspace(0, rl, 5)[1:]])
        a = np.linspace(0, np.radians(rng.uniform(260, 320)), per_turn)[1:]
        ring = np.column_stack([rl * np.cos(a) + rm - rl, np.zeros_like(a), rl + rl * np.sin(a)])
        loop = np.vstack([up, ring])
        low = loop * [1, 1, -1]
        full = np.vstack([low[::-1], path, loop + np.array([0.0, 0.0, top])])
        body = sh.sweep_circle(full, wire / 2, k)
        return centred(body, f"{kind}_spring")
    pitches = np.full(turns, wire * 1.05)
    path = _helix(rm, pitches, per_turn)
    leg = rm * rng.uniform(1.5, 4)
    path = path[:len(path) - int(rng.integers(0, per_turn))]  # legs at any angle to each other
    d0 = path[1] - path[0]
    d1 = path[-1] - path[-2]
    d0[2] = d1[2] = 0.0
    d0, d1 = d0 / np.linalg.norm(d0), d1 / np.linalg.norm(d1)
    f = np.linspace(0, 1, 6)[1:]
    full = np.vstack([path[0] - d0 * leg * f[::-1, None], path, path[-1] + d1 * leg * f[:, None]])
    return centred(sh.sweep_circle(full, wire / 2, k), "torsion_spring")
