"""Fastener family of the part generator: hexagonal nuts, thrust washers, pins, tapping screws.

Proportions follow ISO/DIN catalogue tables (ISO 4032/4035/7040/4161/7035 nuts, ISO 7089 and
bronze thrust washers, ISO 2338/8740/2341/2339/8752 pins, ISO 7049/7050/7053/15480 screws).
Every builder returns one mesh centred on its bounding box, main axis along +Z.
"""

from __future__ import annotations

from collections.abc import Callable

import numpy as np
import trimesh

from pointcam_gui.core.synthetic import shapes as sh
from pointcam_gui.core.synthetic.catalogue import centred, loguniform, pick
from pointcam_gui.core.synthetic.hardware import NUT_TABLE, hex_body
from pointcam_gui.core.synthetic.threads import runout, thread_ridge

Mesh = trimesh.Trimesh

# ISO 1478 tapping-screw threads: nominal d, pitch P.
ST_TABLE = np.array([(2.2, 0.8), (2.9, 1.1), (3.5, 1.3), (3.9, 1.3), (4.2, 1.4), (4.8, 1.6),
                     (5.5, 1.8), (6.3, 1.8), (8.0, 2.1), (9.5, 2.1)])
PIN_DIAMETERS = np.array([1, 1.5, 2, 2.5, 3, 4, 5, 6, 8, 10, 12, 16, 20, 25, 30, 40])

# Sub-types and how often each is drawn; every builder also takes one of these as ``kind``.
NUT_KINDS = {"plain": 0.5, "double_chamfer": 1.5, "single_chamfer": 1, "flanged": 1,
             "nylon_insert": 1, "castle": 1, "jam": 1, "cap": 0.6}
WASHER_KINDS = {"plain_flat": 1, "thrust": 1.2, "oil_grooved": 1.3, "located": 1, "half": 0.5,
                "raceway": 0.6}
PIN_KINDS = {"dowel": 1.5, "grooved": 1, "clevis": 1.2, "taper": 0.8, "spring": 1, "hollow": 0.6}
SCREW_HEADS = {"pan": 1.5, "countersunk": 1.3, "raised_countersunk": 0.6, "hex_washer": 1,
               "round": 0.7, "wafer": 0.5, "cheese": 0.5}


# --- hexagonal nuts ---------------------------------------------------------------------------

def _bore_cutter(d: float, pitch: float, z0: float, z1: float, threaded: bool, sec: int,
                 per_turn: int, sink_bottom: bool = True, sink_top: bool = True) -> Mesh:
    """The nut's hole: minor-diameter bore, 90-degree countersinks, optional modelled thread."""
    r1 = (d - 1.0825 * pitch) / 2 if threaded else d / 2 * 1.01
    rcs = max(d * 0.56, r1 + pitch * 0.3)
    e = 0.02 * d
    lo = [(0.0, z0 - e), (rcs + e, z0 - e), (r1, z0 + rcs - r1)] if sink_bottom else \
        [(0.0, z0 - e), (r1, z0 - e)]
    hi = [(r1, z1 - (rcs - r1)), (rcs + e, z1 + e), (0.0, z1 + e)] if sink_top else \
        [(r1, z1 + e), (0.0, z1 + e)]
    cutter = sh.revolve(lo + hi, sec)
    if not threaded:
        return cutter
    dep = (d / 2 - r1) * 1.05
    ridge = thread_ridge(z0 - pitch, z1 + pitch, pitch, lambda z: np.full_like(z, r1),
                         lambda z: np.full_like(z, dep), per_turn)
    return sh.union(cutter, ridge)


def hexagonal_nut(rng: np.random.Generator, kind: str | None = None) -> Mesh:
    kind = kind or pick(rng, NUT_KINDS)
    d, pitch, s, m = NUT_TABLE[rng.integers(len(NUT_TABLE))]
    s *= rng.choice([1.0, 1.0, rng.uniform(0.95, 1.12)])  # DIN/ISO/heavy-series across-flats
    sec = sh.sections(rng, 16)
    per_turn = int(rng.choice([12, 16, 24, 32]))
    threaded = bool(rng.random() < 0.45) and d >= 3
    top_cham = kind not in ("single_chamfer", "plain")
    bot_cham = kind != "plain"
    sink_top = True
    if kind in ("double_chamfer", "single_chamfer", "plain"):
        h = m * rng.uniform(0.95, 1.1)
        body = hex_body(s, h, bot_cham, top_cham, sec, rng)
    elif kind == "jam":
        h = d * rng.uniform(0.45, 0.6)
        body = hex_body(s, h, True, True, sec, rng)
    elif kind == "flanged":
        body, h = _flange_nut(d, s, rng, sec)
    elif kind == "nylon_insert":
        body, h = _nylon_nut(d, pitch, s, rng, sec)
        sink_top = False
    elif kind == "castle":
        body, h = _castle_nut(d, s, rng, sec)
    else:
        body, h = _cap_nut(d, s, rng, sec)
        sink_top = False
    z1 = h if kind != "cap" else h * rng.uniform(0.55, 0.7)
    hole = _bore_cutter(d, pitch, 0.0, z1, threaded, sec, per_turn, True, sink_top)
    body = sh.difference(body, hole)
    return centred(body, f"{kind}_nut" + ("_threaded" if threaded else ""))


def _flange_nut(d: float, s: float, rng: np.random.Generator, sec: int) -> tuple[Mesh, float]:
    h = d * rng.uniform(0.9, 1.05)
    rf = max(d * rng.uniform(1.05, 1.18), s / 2 * rng.uniform(1.25, 1.4))
    c = d * rng.uniform(0.1, 0.16)
    rise = (rf - s * 0.45) * rng.uniform(0.25, 0.45)
    flange = sh.revolve([(0, 0), (rf, 0), (rf, c), (s * 0.45, c + rise), (0, c + rise)], sec)
    body = sh.union(hex_body(s, h, False, True, sec, rng), flange)
    if rng.random() < 0.5:  # serrated bearing face: disjoint radial V-grooves
        n = int(rng.integers(18, 36))
        w = 2 * np.pi * d * 0.55 / n * 0.6
        teeth = [sh.rotated(sh.rotated(sh.box([rf * 0.6, w, w], [rf * 0.85, 0, 0]), np.pi / 4,
                                       [1, 0, 0], [0, 0, 0]), 2 * np.pi * k / n, [0, 0, 1])
                 for k in range(n)]
        body = sh.difference(body, sh.combine(*teeth))
    return body, h


def _nylon_nut(d: float, pitch: float, s: float, rng: np.random.Generator, sec: int
               ) -> tuple[Mesh, float]:
    hh = d * rng.uniform(0.7, 0.85)
    h = d * rng.uniform(1.15, 1.4)
    rc = s / 2 * rng.uniform(0.88, 0.97)
    rr = (h - hh) * rng.uniform(0.3, 0.5)
    lip = d * rng.uniform(0.62, 0.75)
    nylon = (d - 1.2 * pitch) / 2
    a = np.linspace(0, np.pi / 2, 6)
    dome = [(rc - rr + rr * np.cos(t), h - rr + rr * np.sin(t)) for t in a]
    prof = [(nylon, hh - 0.01), (rc, hh - 0.01), *dome, (lip, h), (lip, h - 0.12 * (h - hh)),
            (nylon, h - 0.12 * (h - hh))]
    return sh.union(hex_body(s, hh, True, False, sec, rng), sh.revolve(prof, sec)), h


def _castle_nut(d: float, s: float, rng: np.random.Generator, sec: int) -> tuple[Mesh, float]:
    h = d * rng.uniform(1.0, 1.3)
    hh = d * rng.uniform(0.7, 0.85)
    if d >= 12 and rng.random() < 0.7:  # larger castle nuts carry a round crown
        rcr = s / 2 * rng.uniform(0.88, 0.95)
        body = sh.union(hex_body(s, hh, True, False, sec, rng),
                        sh.moved(sh.revolve(sh.chamfered_cylinder_profile(rcr, h - hh + 0.01,
                                                                          0.04 * d), sec),
                                 [0, 0, hh - 0.01]))
    else:
        body = hex_body(s, h, True, True, sec, rng)
    w = d * rng.uniform(0.22, 0.32)
    depth = (h - hh) * rng.uniform(1.0, 1.2)
    slots = [sh.rotated(sh.box([s * 1.3, w, depth + 0.1], [0, 0, h - depth / 2 + 0.05]),
                        np.pi / 3 * k, [0, 0, 1]) for k in range(3)]
    return sh.difference(body, sh.union(*slots)), h


def _cap_nut(d: float, s: float, rng: np.random.Generator, sec: int) -> tuple[Mesh, float]:
    hh = d * rng.uniform(0.75, 0.95)
    rd = s / 2 * rng.uniform(0.85, 0.95)
    neck = d * rng.uniform(0.05, 0.15)
    a = np.linspace(0, np.pi / 2, 9)
    dome = [(rd * np.cos(t), hh + neck + rd * np.sin(t)) for t in a]
    cap = sh.revolve([(0, hh - 0.01), (rd, hh - 0.01), *dome], sec)
    return sh.union(hex_body(s, hh, True, False, sec, rng), cap), hh + neck + rd


# --- thrust washers ---------------------------------------------------------------------------

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
    else:
        ro = loguniform(rng, 4, 90)
        ri = ro * rng.uniform(0.35, 0.8)
        t = max(0.3, 2 * ro * loguniform(rng, 0.015, 0.25))
    c = min(t, ro - ri) * float(rng.choice([0.0, rng.uniform(0.05, 0.25)]))
    if kind == "raceway":  # thrust ball bearing shaft/housing washer: toroidal track on one face
        t = max(t, (ro - ri) * rng.uniform(0.3, 0.6))
        rb = (ro - ri) * rng.uniform(0.22, 0.32)
        rm = (ri + ro) / 2
        zc = t + rb * rng.uniform(0.45, 0.7)
        half = np.sqrt(max(rb**2 - (zc - t) ** 2, 1e-9))
        a0, a1 = np.arctan2(t - zc, half), np.arctan2(t - zc, -half)
        arc = [(rm + rb * np.cos(a), zc + rb * np.sin(a))
               for a in np.linspace(a0, a1, 12)]
        body = sh.revolve([(ri, 0), (ro, 0), (ro, t), *arc, (ri, t)], sec)
        return centred(body, "raceway_washer")
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


# --- cylindrical pins -------------------------------------------------------------------------

def _pin_top(style: str, r: float, d: float, top: float, rng: np.random.Generator
             ) -> list[tuple[float, float]]:
    """(r, z) points of a pin end at height ``top``, from the outer surface to the axis."""
    if style == "crowned":  # ISO 8734 / 2339 spherical end
        big = d * rng.uniform(0.6, 1.6)
        big = max(big, r * 1.01)
        a = np.linspace(np.arcsin(r / big), 0.0, 7)
        return [(big * np.sin(x), top - big + big * np.cos(x)) for x in a]
    c = d * (rng.uniform(0.06, 0.2) if style == "chamfer" else rng.uniform(0.02, 0.05))
    c = min(c, r * 0.6)
    lc = c / np.tan(np.radians(float(rng.choice([45.0, 30.0, 15.0]))))
    return [(r, top - lc), (r - c, top), (0.0, top)]


def _pin_profile(r_bot: float, r_top: float, length: float, d: float, styles: tuple[str, str],
                 rng: np.random.Generator) -> list[tuple[float, float]]:
    bottom = [(rr, length - z) for rr, z in reversed(_pin_top(styles[0], r_bot, d, length, rng))]
    return bottom + _pin_top(styles[1], r_top, d, length, rng)


def cylindrical_pin(rng: np.random.Generator, kind: str | None = None) -> Mesh:
    kind = kind or pick(rng, PIN_KINDS)
    d = float(rng.choice(PIN_DIAMETERS))
    length = d * loguniform(rng, 2.0, 12.0)
    r = d / 2
    sec = sh.sections(rng, 12)
    ends = ("chamfer", "crowned", "flat")
    styles = (str(rng.choice(ends)), str(rng.choice(ends)))
    if kind in ("dowel", "grooved"):
        body = sh.revolve(_pin_profile(r, r, length, d, styles, rng), sec)
        if kind == "dowel" and rng.random() < 0.25:  # ISO 8735: tapped extraction hole
            kind = "dowel_extractable"
            depth = d * rng.uniform(1.0, 2.0)
            body = sh.difference(body, sh.cylinder(r * rng.uniform(0.4, 0.55), depth + 1, 16,
                                                   length - depth))
        elif kind == "grooved":  # ISO 8740/8741/8744: three pressed grooves
            w = d * rng.uniform(0.14, 0.22)
            glen = length * float(rng.choice([1.0, rng.uniform(0.4, 0.6)]))
            g = sh.rotated(sh.box([w, w, glen], [0, 0, 0]), np.pi / 4, [0, 0, 1])
            g = sh.moved(g, [r, 0, length - glen / 2 + (0.01 * d if glen < length else 0)])
            body = sh.difference(body, *[sh.rotated(g, 2 * np.pi * k / 3, [0, 0, 1])
                                         for k in range(3)])
    elif kind == "taper":  # ISO 2339: 1:50 taper, crowned ends
        length = max(length, 4 * d)
        body = sh.revolve(_pin_profile(r, r + length / 100, length, d, ("crowned", "crowned"),
                                       rng), sec)
    elif kind in ("spring", "hollow"):
        wall = d * (rng.uniform(0.08, 0.2) if kind == "spring" else rng.uniform(0.12, 0.3))
        ri = r - wall
        c = wall * rng.uniform(0.3, 0.7)
        ci = c * 0.5 if kind == "hollow" else 0.0
        prof = [(ri + ci, 0), (r - c, 0), (r, c), (r, length - c), (r - c, length),
                (ri + ci, length), (ri, length - ci), (ri, ci)]
        body = sh.revolve(prof if ci else [p for i, p in enumerate(prof) if i not in (6, 7)],
                          max(sec, 16))
        if kind == "spring":  # ISO 8752 / 13337: rolled sheet leaves a slit
            sw = d * rng.uniform(0.06, 0.18)
            body = sh.difference(body, sh.box([wall * 3, sw, length + 1], [r, 0, length / 2]))
    else:
        body, kind = _clevis(r, d, length, styles, rng, sec), "clevis"
    return centred(body, f"{kind}_pin")


def _clevis(r: float, d: float, length: float, styles: tuple[str, str],
            rng: np.random.Generator, sec: int) -> Mesh:
    """ISO 2341 clevis pin with head, or ISO 2340 headless; cross holes or a circlip groove."""
    headed = rng.random() < 0.75
    prof = _pin_profile(r, r, length, d, (styles[0], "flat"), rng)
    if headed:
        rk, k = r * rng.uniform(1.5, 2.0), d * rng.uniform(0.25, 0.45)
        ch = k * rng.uniform(0.1, 0.3)
        prof = [*prof[:-3], (r, length), (rk, length), (rk, length + k - ch),
                (rk - ch, length + k), (0.0, length + k)]
    body = sh.revolve(prof, sec)
    dh = d * rng.uniform(0.2, 0.32)
    zs = [dh * rng.uniform(1.3, 2.2)]
    if not headed:
        zs.append(length - zs[0])
    if rng.random() < 0.25:  # groove for a retaining ring instead of a split-pin hole
        gw = d * rng.uniform(0.07, 0.12)
        return sh.difference(body, *[sh.tube(r * 0.85, r * 1.5, gw, sec, z - gw / 2) for z in zs])
    holes = [sh.cylinder_between([-2 * r, 0, z], [2 * r, 0, z], dh / 2, 16) for z in zs]
    return sh.difference(body, *holes)


# --- tapping screws ---------------------------------------------------------------------------

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


BUILDERS: dict[str, Callable[[np.random.Generator], Mesh]] = {
    "Hexagonal nuts": hexagonal_nut,
    "Thrust washers": thrust_washer,
    "Cylindrical pins": cylindrical_pin,
    "Tapping screws": tapping_screw,
}
