"""Tees as hobby and plastic-pipe CAD models make them: printed tube connectors, saddle tees.

A printed tee connector is three sockets that tubes push into, round or square, meeting at a
plain, spherical or cubic hub, with a stop shoulder or a through bore. A saddle tee (a tapping
saddle) is a curved shell that sits on a pipe with a branch outlet rising from it. Both keep the
three-way bore that makes a tee; neither has the bolt ears of a clamp.
"""

from __future__ import annotations

import numpy as np
import trimesh

from pointcam_gui.core.synthetic import shapes as sh
from pointcam_gui.core.synthetic.catalogue import centred, loguniform

Mesh = trimesh.Trimesh
_AXES = (np.array([0.0, 0.0, -1.0]), np.array([0.0, 0.0, 1.0]), np.array([1.0, 0.0, 0.0]))


def _arm(axis: np.ndarray, length: float, radius: float, square: bool, k: int) -> Mesh:
    if square:
        return sh.box(np.abs(axis) * length + (1 - np.abs(axis)) * 2 * radius,
                      axis * length / 2)
    return sh.cylinder_between([0.0, 0.0, 0.0], axis * length, radius, k)


def printed_tee(rng: np.random.Generator) -> Mesh:
    """Printed tee connector for tubes: three sockets round a hub, a stop or a through bore."""
    k = sh.sections(rng, 10, 48)
    r = loguniform(rng, 2.0, 20.0)  # tube outside radius
    wall = max(1.2, r * rng.uniform(0.15, 0.4))
    ro = r + wall
    square = rng.random() < 0.35
    depth = r * rng.uniform(1.5, 3.0)
    reach = ro + depth * rng.uniform(1.05, 1.3)
    lengths = (reach, reach * rng.uniform(0.9, 1.1), reach * rng.uniform(0.9, 1.3))
    outer = [_arm(a, n, ro, square, k) for a, n in zip(_AXES, lengths, strict=True)]
    if rng.random() < 0.3:  # offset side socket: its axis passes beside the run's, not through
        off = np.array([0.0, ro * rng.uniform(0.4, 1.0), 0.0])
        side = sh.moved(_arm(_AXES[2], lengths[2], ro, square, k), off)
        socket = sh.cylinder_between(_AXES[2] * (lengths[2] - depth) + off,
                                     _AXES[2] * (lengths[2] + 1) + off, r * 1.01, k)
        run = sh.difference(sh.union(outer[0], outer[1], side),
                            sh.cylinder_between(_AXES[0] * (lengths[0] - depth),
                                                _AXES[0] * (lengths[0] + 1), r * 1.01, k),
                            sh.cylinder_between(_AXES[1] * (lengths[1] - depth),
                                                _AXES[1] * (lengths[1] + 1), r * 1.01, k),
                            sh.cylinder_between(_AXES[0] * (lengths[0] + 1),
                                                _AXES[1] * (lengths[1] + 1), r * 0.99, k), socket)
        return centred(run, "offset_printed_tee")
    hub = rng.choice(["plain", "ball", "cube"], p=[0.6, 0.2, 0.2])
    if hub == "ball":
        outer.append(sh.sphere(ro * rng.uniform(1.15, 1.4), subdivisions=2))
    elif hub == "cube":
        outer.append(sh.box([2 * ro * rng.uniform(1.1, 1.3)] * 3))
    through = r * rng.uniform(0.55, 0.85) if rng.random() < 0.6 else r  # stop shoulder or not
    cuts = []
    for axis, n in zip(_AXES, lengths, strict=True):
        cuts.append(sh.cylinder_between(axis * (n - depth), axis * (n + 1), r * 1.01, k))
    cuts.append(sh.cylinder_between([0.0, 0.0, 0.0], _AXES[2] * (lengths[2] + 1), through, k))
    cuts.append(sh.cylinder_between(_AXES[0] * (lengths[0] + 1), _AXES[1] * (lengths[1] + 1),
                                    through, k))
    return centred(sh.difference(sh.union(*outer), *cuts), "printed_tee")


def saddle_tee(rng: np.random.Generator) -> Mesh:
    """Tapping saddle: a shell curved round a pipe (along Y) with a branch outlet on top."""
    k = sh.sections(rng, 16, 64)
    rp = loguniform(rng, 10.0, 100.0)  # the main pipe's radius
    t = max(1.5, rp * rng.uniform(0.08, 0.18))
    w = rp * rng.uniform(0.8, 1.8)
    rb = rp * rng.uniform(0.25, 0.6)  # branch bore
    tb = max(1.5, rb * rng.uniform(0.15, 0.35))
    height = rp + t + rb * rng.uniform(1.0, 2.5)
    shell = sh.aligned(sh.tube(rp, rp + t, w, k, -w / 2), [0, 1, 0])
    span = np.radians(rng.uniform(150, 240))  # how far the shell wraps round
    keep = sh.box([4 * rp, 2 * w, 4 * rp], [0, 0, 2 * rp + (rp + t) * np.cos(span / 2) - 1e-3])
    shell = sh.intersection(shell, keep)
    branch = sh.cylinder(rb + tb, height, k, 0.0)
    if rng.random() < 0.5:  # a socket or a thicker spigot end on the outlet
        top = height * rng.uniform(0.15, 0.35)
        branch = sh.union(branch, sh.cylinder(rb + tb * rng.uniform(1.6, 2.4), top, k,
                                              height - top))
    pipe = sh.aligned(sh.cylinder(rp, 4 * w, k, -2 * w), [0, 1, 0])
    body = sh.difference(sh.union(shell, branch), pipe,
                         sh.cylinder(rb, height * 2, k, 0.0))
    parts = [body]
    if rng.random() < 0.45:  # clamp saddle: a lower half-shell closes it round the pipe
        lower = sh.intersection(sh.aligned(sh.tube(rp, rp + t, w, k, -w / 2), [0, 1, 0]),
                                sh.box([4 * rp, 2 * w, 2 * rp], [0, 0, -rp - t * 0.5]))
        if rng.random() < 0.7:  # bolted ears on both halves at the split line
            ear, et = rp * rng.uniform(0.2, 0.45), t * rng.uniform(1.0, 2.0)
            hole = max(1.0, min(ear, w) * 0.2)
            bolts = [sh.cylinder(hole, 4 * et, 12, -2 * et).apply_translation(
                [x * (rp + t + ear / 2), 0, 0]) for x in (-1, 1)]

            def eared(half: Mesh, z: float) -> Mesh:
                lugs = [sh.box([ear + t, w * rng.uniform(0.3, 1.0), et],
                               [x * (rp + (ear + t) / 2), 0, z]) for x in (-1, 1)]
                return sh.difference(sh.union(half, *lugs), pipe, *bolts)

            body = eared(body, et / 2)
            parts, lower = [body], eared(lower, -et / 2)
        parts.append(lower)
    return centred(sh.combine(*parts), "saddle_tee")
