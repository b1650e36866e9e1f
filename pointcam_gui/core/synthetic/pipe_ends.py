"""The ends of pipe fittings (ports): weld bevels, sockets, threads, flanges, push-fit, barbs.

A port is built in its own frame: the port plane is z = 0, the fitting's body lies at z < 0 and
+Z points out of the fitting. ``outer`` solids are united with the body, ``cut`` solids are
subtracted from it. ``d`` is the outside diameter of the pipe, tube or hose the port takes, in
millimetres; proportions follow EN 1092 flanges, ASME B16.11 / malleable-iron threaded and
socket fittings, and the push-fit / hose-barb fittings of plumbing catalogues.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np
import trimesh

from pointcam_gui.core.synthetic import shapes as sh

Mesh = trimesh.Trimesh
Profile = list[tuple[float, float]]

KINDS = ("bevel", "socket", "female", "male", "flange", "push_fit", "barb", "compression")
COLLARS = ("hex", "octagon", "bead", "band", "none")


@dataclass
class Port:
    r_out: float  # the body's outer radius where it meets this port
    r_in: float  # flow bore radius
    setback: float  # how deep the port's features reach into the body (the leg must be longer)
    reach: float  # how far the port sticks out beyond the port plane
    radial: float  # the port's largest radius (to keep neighbouring ports apart)
    outer: list[Mesh] = field(default_factory=list)
    cut: list[Mesh] = field(default_factory=list)


def placed(port: Port, origin: np.ndarray, direction: np.ndarray) -> tuple[list[Mesh], list[Mesh]]:
    """The port's solids moved so that its plane sits at ``origin`` facing ``direction``."""
    matrix = trimesh.geometry.align_vectors([0.0, 0.0, 1.0], np.asarray(direction, float))
    matrix[:3, 3] = origin

    def move(meshes: list[Mesh]) -> list[Mesh]:
        out = [m.copy() for m in meshes]
        for m in out:
            m.apply_transform(matrix)
        return out

    return move(port.outer), move(port.cut)


def solid(profile: Profile, sections: int) -> Mesh:
    """Revolve an (r, z) profile after dropping repeated points (flush steps make them)."""
    pts = [profile[0]]
    for p in profile[1:]:
        if abs(p[0] - pts[-1][0]) > 1e-9 or abs(p[1] - pts[-1][1]) > 1e-9:
            pts.append(p)
    return sh.revolve(pts, sections)


def zigzag(r_crest: float, r_root: float, z0: float, z1: float, pitch: float) -> Profile:
    """A thread's look as rings: a saw-tooth profile between two radii (cheaper than a helix)."""
    zs = np.arange(z0, z1, pitch / 2.0)
    return [(r_root if k % 2 == 0 else r_crest, float(z)) for k, z in enumerate(zs)]


def _pitch(d: float, length: float, rng: np.random.Generator) -> float:
    # Real pitches are 0.8-3.5 mm; cap the crest count so big threads stay cheap to tessellate.
    return float(max(np.clip(d * rng.uniform(0.05, 0.08), 0.6, 3.5), length / 12.0))


def polygon_collar(sides: int, across_flats: float, h: float, sections: int,
                   rng: np.random.Generator) -> Mesh:
    """A hex or octagon collar from z = -h to 0, usually with chamfered corners."""
    circum = across_flats / 2.0 / np.cos(np.pi / sides)
    body = sh.prism(sh.regular_polygon(sides, circum), h, z0=-h)
    if rng.random() < 0.3:
        return body
    c = (circum - across_flats / 2.0) * rng.uniform(0.8, 1.5)
    chamfer = solid([(0.0, -h), (circum - c, -h), (circum + 0.01, -h + c),
                     (circum + 0.01, -c), (circum - c, 0.0), (0.0, 0.0)], sections)
    return sh.intersection(body, chamfer)


def collar(kind: str, r_body: float, d: float, h: float, sections: int,
           rng: np.random.Generator) -> tuple[list[Mesh], float]:
    """The ring at a threaded end: wrench flats, a malleable-iron bead, a plain band, or none."""
    if kind in ("hex", "octagon"):
        af = 2.0 * r_body * rng.uniform(1.03, 1.2)
        sides = 6 if kind == "hex" else 8
        return [polygon_collar(sides, af, h, sections, rng)], af / 2.0 / np.cos(np.pi / sides)
    if kind == "bead":
        hb, bb = h * rng.uniform(0.35, 0.7), d * rng.uniform(0.04, 0.09) + 0.4
        a = np.linspace(-np.pi / 2, np.pi / 2, 9)[1:-1]
        prof = [(0.0, -hb), (r_body, -hb)]
        prof += [(r_body + bb * np.cos(t), -hb / 2 + hb / 2 * np.sin(t)) for t in a]
        return [solid([*prof, (r_body, 0.0), (0.0, 0.0)], sections)], r_body + bb
    if kind == "band":
        hb, bb = h * rng.uniform(0.4, 1.0), d * rng.uniform(0.03, 0.08) + 0.4
        c = bb * rng.uniform(0.2, 0.9)
        prof = [(0.0, -hb), (r_body + bb - c, -hb), (r_body + bb, -hb + c), (r_body + bb, -c),
                (r_body + bb - c, 0.0), (0.0, 0.0)]
        return [solid(prof, sections)], r_body + bb
    return [], r_body


def bevel(d: float, rng: np.random.Generator, s: int) -> Port:
    """Butt-weld end: the plain pipe wall, usually with a 37.5 degree weld bevel."""
    r = d / 2.0
    t = max(0.8, d * rng.uniform(0.035, 0.12))
    port = Port(r, r - t, 0.0, 0.0, r)
    if t > 1.5 and rng.random() < 0.7:
        root, k, e = min(1.6, 0.35 * t), np.tan(np.radians(37.5)), 1.0
        r0, rr = r - t + root, r + 1.0
        port.cut = [solid([(r0 - e / k, e), (rr, e), (rr, -(rr - r0) * k)], s)]
        port.setback = (rr - r0) * k
    return port


def socket(d: float, rng: np.random.Generator, s: int) -> Port:
    """Socket (solvent, sweat or socket-weld) end: a hub whose bore takes the pipe itself."""
    r = d / 2.0
    hub = max(0.8, d * rng.uniform(0.07, 0.2))
    depth, lip = d * rng.uniform(0.45, 1.0) + 1.0, hub * rng.uniform(0.3, 1.5)
    r_body = r + hub if rng.random() < 0.3 else r + hub * rng.uniform(0.2, 0.8)
    taper = (r + hub - r_body) * rng.uniform(0.5, 2.0)
    c = hub * rng.uniform(0.0, 0.4)
    zb = -depth - lip
    prof = [(0.0, zb - taper), (r_body, zb - taper), (r + hub, zb), (r + hub, -c),
            (r + hub - c, 0.0), (0.0, 0.0)]
    r_in = r - max(0.6, d * rng.uniform(0.05, 0.12))
    return Port(r_body, r_in, depth + lip + taper, 0.0, r + hub, [solid(prof, s)],
                [sh.cylinder(r, depth + 1.0, s, z0=-depth)])


def female(d: float, rng: np.random.Generator, s: int, style: str | None = None) -> Port:
    """Female threaded end (NPT/BSP): a thicker body, a collar, a threaded bore."""
    r = d / 2.0
    r_body = r + d * rng.uniform(0.12, 0.22) + 0.8
    length = d * rng.uniform(0.45, 0.8) + 2.0
    pitch = _pitch(d, length, rng)
    gd = 0.6 * pitch
    h = length * rng.uniform(0.5, 1.0)
    rings, radial = collar(style or str(rng.choice(COLLARS)), r_body, d, h, s, rng)
    if rng.random() < 0.65:
        prof = [(0.0, -length), *zigzag(r, r - gd, -length, 0.0, pitch), (r, 1.0), (0.0, 1.0)]
        bore = solid(prof, s)
    else:  # cosmetic thread: CAD often models only the tapping drill
        bore = sh.cylinder(r - gd / 2, length + 1.0, s, z0=-length)
    r_in = max(0.3 * r, r - gd - d * rng.uniform(0.02, 0.1))
    return Port(r_body, r_in, max(length, h), 0.0, radial, rings, [bore])


def male(d: float, rng: np.random.Generator, s: int) -> Port:
    """Male threaded spigot sticking out of the port (street elbows, nipples)."""
    r = d / 2.0
    length = d * rng.uniform(0.5, 0.9) + 2.0
    pitch = _pitch(d, length, rng)
    c = min(pitch, 0.1 * d)
    prof = [(0.0, -1.0), (r, -1.0)]
    if rng.random() < 0.65:
        prof += zigzag(r, r - 0.6 * pitch, 0.0, length - c, pitch)
    prof += [(r, length - c), (r - c, length), (0.0, length)]
    r_body = r + d * rng.uniform(0.1, 0.2) + 0.8
    return Port(r_body, r - max(0.8, d * rng.uniform(0.1, 0.18)) - 0.6 * pitch, 0.0, length,
                r_body, [solid(prof, s)])


def flange(d: float, rng: np.random.Generator, s: int) -> Port:
    """Bolted flange (EN 1092 proportions): disc, bolt circle, optional hub and raised face."""
    r = d / 2.0
    base = 12.0 + 0.05 * d
    hole = base * rng.uniform(0.8, 1.2) / 2.0
    pcd = r + 2 * hole * rng.uniform(1.2, 2.0)
    r_f = pcd + 2 * hole * rng.uniform(0.9, 1.3)
    t = (14.0 + 0.06 * d) * rng.uniform(0.75, 1.25)
    room = pcd - hole - r
    hub_len = 0.0 if rng.random() < 0.3 else t * rng.uniform(0.6, 2.0)
    r_hub = r + room * rng.uniform(0.3, 0.8)
    rf_h = 0.0 if rng.random() < 0.4 else float(rng.uniform(1.0, 3.0))
    r_rf = r + room * rng.uniform(0.5, 0.95)
    prof = [(0.0, -t - hub_len), (r * 1.02, -t - hub_len), (r_hub, -t), (r_f, -t), (r_f, 0.0),
            (r_rf, 0.0), (r_rf, rf_h), (0.0, rf_h)]
    if hub_len == 0.0:
        prof = [(0.0, -t), *prof[3:]]
    n = 4 if d < 80 else 8 if d < 200 else 12
    n = int(rng.choice([n, n, n, max(4, n - 4), n + 4]))
    a0 = np.pi / n
    holes = [sh.moved(sh.cylinder(hole, t + rf_h + 2.0, max(8, s // 3), z0=-t - 1.0),
                      (pcd * np.cos(a0 + 2 * np.pi * i / n), pcd * np.sin(a0 + 2 * np.pi * i / n),
                       0.0)) for i in range(n)]
    wall = max(1.0, d * rng.uniform(0.04, 0.1))
    return Port(r * 1.02, r - wall, t + hub_len, rf_h, r_f, [solid(prof, s)], holes)


def push_fit(d: float, rng: np.random.Generator, s: int) -> Port:
    """Push-fit end: a bulky body cap with a collet and its release ring sticking out."""
    r = d / 2.0
    r_body = r + d * rng.uniform(0.2, 0.45) + 1.0
    depth = d * rng.uniform(0.8, 1.3) + 2.0
    cap_h, r_cap = d * rng.uniform(0.2, 0.45) + 1.0, r_body * rng.uniform(1.0, 1.12)
    c = (r_cap - r) * rng.uniform(0.05, 0.25)
    cap = solid([(0.0, -cap_h), (r_cap, -cap_h), (r_cap, -c), (r_cap - c, 0.0), (0.0, 0.0)], s)
    r_c, reach = r + d * rng.uniform(0.1, 0.2) + 0.8, d * rng.uniform(0.1, 0.3) + 1.0
    r_lip = min(r_c + d * rng.uniform(0.04, 0.12) + 0.4, r_cap)
    lip = reach * rng.uniform(0.3, 0.6)
    ring = solid([(0.0, -cap_h / 2), (r_c, -cap_h / 2), (r_c, reach - lip), (r_lip, reach - lip),
                  (r_lip, reach), (0.0, reach)], s)
    gap = max(0.3, 0.03 * d)
    groove = sh.tube(r_c, r_c + gap, cap_h * 0.3 + 0.01, s, z0=-cap_h * 0.3)
    bore = sh.cylinder(r, depth + reach + 1.0, s, z0=-depth)
    r_in = r - max(0.8, d * rng.uniform(0.08, 0.15))
    return Port(r_body, r_in, max(depth, cap_h), reach, max(r_cap, r_lip), [cap, ring],
                [bore, groove])


def barb(d: float, rng: np.random.Generator, s: int) -> Port:
    """Hose barb: a spigot of two to four saw-tooth rings that a hose is pushed over."""
    r = d / 2.0
    r_tip, r_root = r * rng.uniform(0.75, 0.88), r * rng.uniform(0.78, 0.9)
    n, step = int(rng.integers(2, 5)), d * rng.uniform(0.35, 0.6) + 1.0
    z = d * rng.uniform(0.1, 0.5)
    prof: Profile = [(0.0, -1.0), (r_root, -1.0), (r_root, z)]
    for _ in range(n):
        prof += [(r, z), (r_tip, z + step)]
        z += step
    r_in = r * rng.uniform(0.45, 0.62)
    r_body = r * rng.uniform(1.1, 1.5) + 0.5
    return Port(r_body, r_in, 0.0, z, r_body, [solid([*prof, (0.0, z)], s)])


def compression(d: float, rng: np.random.Generator, s: int) -> Port:
    """Compression end: a hex nut on a threaded body, sometimes with the tube stub modelled."""
    r = d / 2.0
    af, nut_h = d * rng.uniform(1.5, 2.0) + 4.0, d * rng.uniform(0.5, 0.8) + 3.0
    inside = nut_h * rng.uniform(0.2, 0.5)
    nut = sh.moved(polygon_collar(6, af, nut_h, s, rng), (0.0, 0.0, nut_h - inside))
    r_body = min(r * rng.uniform(1.15, 1.45) + 1.5, af / 2 * 0.95)
    r_in = r - max(0.6, d * rng.uniform(0.08, 0.15))
    out, reach = nut_h - inside, nut_h - inside
    port = Port(r_body, r_in, inside + 0.5, reach, af / np.sqrt(3.0), [nut])
    if rng.random() < 0.5:  # the tube stub, as assembly exports include it
        port.reach = out + d * rng.uniform(0.3, 1.0)
        port.outer.append(sh.cylinder(r, port.reach + inside, s, z0=-inside))
    else:
        port.cut = [sh.cylinder(r, out + inside + 1.0, s, z0=-inside)]
    return port


BUILD = {"bevel": bevel, "socket": socket, "female": female, "male": male, "flange": flange,
         "push_fit": push_fit, "barb": barb, "compression": compression}


def make(kind: str, d: float, rng: np.random.Generator, s: int, style: str | None = None) -> Port:
    """One port of ``kind`` for a pipe of outside diameter ``d``."""
    if kind == "female":
        return female(d, rng, s, style)
    return BUILD[kind](d, rng, s)
