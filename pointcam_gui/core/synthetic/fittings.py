"""Pipe fittings: elbows and tees, hollow, with any of the ends in ``pipe_ends``.

A fitting is a body (tubes swept along its centre lines, in the XZ plane) plus one port per end;
the body and the ports' outer solids are united and the bore and the ports' cutters subtracted,
so the bore always runs through. Port A looks down -Z, so the run (or the first leg) is the +Z
axis. Elbow bodies are a torus section (swept), mitred segments, or a cast two-leg body.
Printed tube tees and tapping saddles, which have no ``pipe_ends`` ports, live in
``fittings_printed``.
"""

from __future__ import annotations

from collections.abc import Callable

import numpy as np
import trimesh

from pointcam_gui.core.synthetic import pipe_ends as pe
from pointcam_gui.core.synthetic import shapes as sh
from pointcam_gui.core.synthetic.fittings_printed import printed_tee, saddle_tee

Mesh = trimesh.Trimesh
_Y = np.array([0.0, 1.0, 0.0])
Builder = Callable[[np.random.Generator], Mesh]


def swept_tube(path: np.ndarray, radii: np.ndarray, sections: int) -> Mesh:
    """A closed round bar along a polyline in the XZ plane, radius per point.

    Rings sit in the bisector plane of each corner, stretched by 1/cos(half the turn), so a
    sharp corner becomes an exact mitre joint and a finely sampled arc a torus section.
    """
    p = np.asarray(path, float)
    r = np.broadcast_to(np.asarray(radii, float), (len(p),))
    seg = np.diff(p, axis=0)
    seg /= np.linalg.norm(seg, axis=1, keepdims=True)
    t_in, t_out = np.vstack([seg[:1], seg]), np.vstack([seg, seg[-1:]])
    bis = t_in + t_out
    half_cos = np.clip(np.linalg.norm(bis, axis=1) / 2.0, 0.3, 1.0)
    bis /= np.linalg.norm(bis, axis=1, keepdims=True)
    normal = np.cross(_Y, bis)
    phi = np.linspace(0.0, 2 * np.pi, sections, endpoint=False)
    rings = (p[:, None, :]
             + (r / half_cos)[:, None, None] * np.cos(phi)[None, :, None] * normal[:, None, :]
             + r[:, None, None] * np.sin(phi)[None, :, None] * _Y[None, None, :])
    return sh.loft(rings, p[0], p[-1])


def ball(radius: float, sections: int) -> Mesh:
    """A sphere tessellated like the rest of the part (the rounded corner of a cast elbow)."""
    a = np.linspace(-np.pi / 2, np.pi / 2, max(4, sections // 2) + 1)[1:-1]
    prof = [(0.0, -radius), *[(radius * np.cos(t), radius * np.sin(t)) for t in a],
            (0.0, radius)]
    return sh.revolve(prof, sections)


def _direction(angle: float) -> np.ndarray:
    return np.array([np.sin(angle), 0.0, np.cos(angle)])


def _bend(kind: str, theta: float, rb: float, s: int, rng: np.random.Generator) -> np.ndarray:
    """Centre-line points of the bend from the origin (heading +Z), turning ``theta`` to +X."""
    if kind == "arc":
        n = max(3, int(np.ceil(s * theta / (2 * np.pi)))) + 1
        return sh.arc(rb, np.pi, np.pi - theta, n, center=(rb, 0.0, 0.0))
    if kind == "cast":
        return np.zeros((1, 3))
    pieces = int(rng.integers(3, 6))
    delta, a = theta / (pieces - 1), 2 * rb * np.tan(theta / (pieces - 1) / 2)
    pts, pos, psi = [np.zeros(3)], np.zeros(3), 0.0
    for i, length in enumerate([a / 2] + [a] * (pieces - 2) + [a / 2]):
        pos = pos + length * _direction(psi)
        pts.append(pos)
        psi += delta if i < pieces - 1 else 0.0
    return np.array(pts)


def _hollow(outer: list[Mesh], cut: list[Mesh]) -> Mesh:
    """Union of ``outer`` minus ``cut``: the fitting's body with its bore."""
    return sh.difference(sh.union(*outer), *cut)


def _finish(mesh: Mesh, subtype: str, **info: object) -> Mesh:
    mesh.apply_translation(-mesh.bounds.mean(axis=0))
    mesh.metadata["subtype"] = subtype
    mesh.metadata.update(info)
    return mesh


def _diameter(rng: np.random.Generator, low: float, high: float) -> float:
    """Pipe outside diameter, log-uniform: small fittings are as common as big ones."""
    return float(np.exp(rng.uniform(np.log(low), np.log(high))))


def _reduced(d: float, rng: np.random.Generator, p: float) -> float:
    return d * rng.uniform(0.45, 0.85) if rng.random() < p else d


def elbow(rng: np.random.Generator, subtype: str, ends: tuple[str, str], body: str,
          d_range: tuple[float, float], *, p_reduce: float = 0.2,
          style: str | None = None, rb_factor: float | None = None) -> Mesh:
    """An elbow: port A down -Z, a bend of ``body`` kind, port B along the turned direction."""
    s = sh.sections(rng, 12, 96)
    theta = np.radians(float(rng.choice([90, 90, 90, 45, 45, 30, 60])))
    d = _diameter(rng, *d_range)
    port_a = pe.make(ends[0], d, rng, s, style)
    port_b = pe.make(ends[1], _reduced(d, rng, p_reduce), rng, s, style)
    r_big = max(port_a.r_out, port_b.r_out)
    rb = 0.0
    if body != "cast":
        rb = max(1.1 * r_big, (rb_factor or rng.uniform(0.6, 1.6)) * d)
    bend = _bend(body, theta, rb, s, rng)
    d1 = _direction(theta)
    legs = []
    for port in (port_a, port_b):
        extra = rng.uniform(0.0, 0.4) * d if ends[0] != "bevel" else 0.0
        clash = (port.radial - rb) * np.tan(theta / 2) + 0.05 * d
        legs.append(port.setback + max(0.0, clash) + extra + 0.02 * d)
    start, end = np.array([0.0, 0.0, -legs[0]]), bend[-1] + d1 * legs[1]
    path = np.vstack([start, bend, end])
    frac = np.concatenate([[0.0], np.linspace(0.0, 1.0, len(bend)), [1.0]])
    outer_r = port_a.r_out + (port_b.r_out - port_a.r_out) * frac
    inner_r = port_a.r_in + (port_b.r_in - port_a.r_in) * frac
    ext_a, ext_b = port_a.reach + 1.0 + 0.01 * d, port_b.reach + 1.0 + 0.01 * d
    bore_path = np.vstack([start - [0.0, 0.0, ext_a], path, end + d1 * ext_b])
    outer = [swept_tube(path, outer_r, s)]
    cut = [swept_tube(bore_path, np.concatenate([inner_r[:1], inner_r, inner_r[-1:]]), s)]
    if body == "cast" and (port_a.r_out != port_b.r_out or rng.random() < 0.7):
        outer.append(ball(r_big, s))
    for port, origin, u in ((port_a, start, np.array([0.0, 0.0, -1.0])), (port_b, end, d1)):
        o, c = pe.placed(port, origin, u)
        outer += o
        cut += c
    return _finish(_hollow(outer, cut), subtype, angle=round(float(np.degrees(theta))))


def tee(rng: np.random.Generator, subtype: str, kind: str, d_range: tuple[float, float], *,
        p_reduce: float = 0.4, style: str | None = None) -> Mesh:
    """A tee: the run along Z, the branch along +X, each end a port of ``kind``."""
    s = sh.sections(rng, 12, 96)
    d = _diameter(rng, *d_range)
    style = style or str(rng.choice(pe.COLLARS))
    branch_kind = kind if rng.random() < 0.85 else str(rng.choice(["female", "socket", kind]))
    run_b = _reduced(d, rng, 0.15)
    ports = [pe.make(kind, d, rng, s, style), pe.make(kind, run_b, rng, s, style),
             pe.make(branch_kind, _reduced(d, rng, p_reduce), rng, s, style)]
    pa, pb, pc = ports
    gap = 0.05 * d
    body_len = d * rng.uniform(0.8, 1.4) if kind in ("bevel", "flange") else 0.0
    run = max(max(pa.setback, pb.setback) + max(pc.radial, pc.r_out) + gap
              + rng.uniform(0.0, 0.4) * d, body_len)
    branch = max(pc.setback + max(pa.radial, pb.radial) + gap, run * rng.uniform(0.7, 1.4))
    axes = [np.array([0.0, 0.0, -1.0]), np.array([0.0, 0.0, 1.0]), np.array([1.0, 0.0, 0.0])]
    ends = [axis * length for axis, length in zip(axes, (run, run, branch), strict=True)]
    r_mid = max(pa.r_out, pb.r_out)
    if style == "hex_body":
        af = 2 * max(r_mid, pc.r_out) * rng.uniform(1.0, 1.1)
        outer = [sh.hex_prism(af, 2 * run, z0=-run),
                 sh.aligned(sh.hex_prism(af, branch, z0=0.0), [1.0, 0.0, 0.0])]
    else:
        # A reducing run keeps the body size and steps down just behind the smaller port.
        za = max(pc.r_out, 0.5 * (run - pa.setback))
        zb = max(pc.r_out, 0.5 * (run - pb.setback))
        outer = [swept_tube(np.array([ends[0], [0, 0, -za], [0, 0, zb], ends[1]]),
                            np.array([pa.r_out, r_mid, r_mid, pb.r_out]), s),
                 swept_tube(np.array([[0.0, 0, 0], ends[2]]), np.array([pc.r_out] * 2), s)]
    cut = [swept_tube(np.array([ends[0] * (1 + (pa.reach + 1) / run), [0, 0, 0],
                                ends[1] * (1 + (pb.reach + 1) / run)]),
                      np.array([pa.r_in, max(pa.r_in, pb.r_in), pb.r_in]), s),
           swept_tube(np.array([[0.0, 0, 0], ends[2] * (1 + (pc.reach + 1) / branch)]),
                      np.array([pc.r_in] * 2), s)]
    for port, origin, u in zip(ports, ends, axes, strict=True):
        o, c = pe.placed(port, origin, u)
        outer += o
        cut += c
    return _finish(_hollow(outer, cut), subtype)


def _pick(rng: np.random.Generator, options: list[str]) -> str:
    return str(rng.choice(options))


ELBOWS: dict[str, Builder] = {
    "butt_weld_elbow": lambda g: elbow(g, "butt_weld_elbow", ("bevel", "bevel"), "arc",
                                       (15, 330), p_reduce=0.12,
                                       rb_factor=float(g.choice([1.0, 1.5, 1.5]))),
    "socket_elbow": lambda g: elbow(g, "socket_elbow", ("socket", "socket"),
                                    _pick(g, ["arc", "cast"]), (6, 160)),
    "threaded_elbow": lambda g: elbow(g, "threaded_elbow", ("female", "female"),
                                      _pick(g, ["cast", "cast", "arc"]), (6, 115),
                                      style=_pick(g, list(pe.COLLARS))),
    "flanged_elbow": lambda g: elbow(g, "flanged_elbow", ("flange", "flange"),
                                     _pick(g, ["arc", "arc", "mitre"]), (30, 330), p_reduce=0.1),
    "street_elbow": lambda g: elbow(g, "street_elbow", (_pick(g, ["female", "socket"]), "male"),
                                    _pick(g, ["cast", "arc"]), (6, 80), p_reduce=0.0),
    "mitred_elbow": lambda g: elbow(g, "mitred_elbow", (_pick(g, ["bevel", "flange"]),) * 2,
                                    "mitre", (50, 400), p_reduce=0.0,
                                    rb_factor=float(g.uniform(1.0, 2.0))),
    "barbed_elbow": lambda g: elbow(g, "barbed_elbow", ("barb", _pick(g, ["barb", "male"])),
                                    _pick(g, ["cast", "arc"]), (4, 40), p_reduce=0.25),
    "push_fit_elbow": lambda g: elbow(g, "push_fit_elbow", ("push_fit", "push_fit"),
                                      _pick(g, ["cast", "arc"]), (6, 42), p_reduce=0.15),
    "compression_elbow": lambda g: elbow(g, "compression_elbow", ("compression",) * 2,
                                         _pick(g, ["cast", "arc"]), (4, 42), p_reduce=0.15),
}

TEES: dict[str, Builder] = {
    "butt_weld_tee": lambda g: tee(g, "butt_weld_tee", "bevel", (15, 330), p_reduce=0.35),
    "socket_tee": lambda g: tee(g, "socket_tee", "socket", (6, 160)),
    "threaded_tee": lambda g: tee(g, "threaded_tee", "female", (6, 115),
                                  style=_pick(g, [*pe.COLLARS, "hex_body"])),
    "flanged_tee": lambda g: tee(g, "flanged_tee", "flange", (40, 330), p_reduce=0.3),
    "push_fit_tee": lambda g: tee(g, "push_fit_tee", "push_fit", (6, 42)),
    "barbed_tee": lambda g: tee(g, "barbed_tee", "barb", (4, 40), p_reduce=0.25),
    "compression_tee": lambda g: tee(g, "compression_tee", "compression", (4, 42)),
    "printed_tee": printed_tee,
    "saddle_tee": saddle_tee,
}


def pick_subtype(rng: np.random.Generator, family: dict[str, Builder]) -> str:
    """The sub-type a builder's generator draws first (uniform over the family)."""
    names = sorted(family)
    return names[int(rng.integers(len(names)))]


def _chooser(family: dict[str, Builder]) -> Builder:
    def build(rng: np.random.Generator) -> Mesh:
        return family[pick_subtype(rng, family)](rng)

    return build


BUILDERS: dict[str, Builder] = {
    "Elbow fitting": _chooser(ELBOWS),
    "T-shape fitting": _chooser(TEES),
}
