"""Screw threads: a helical ridge that can follow a cone and run out, and threaded studs.

``thread_ridge`` models the thread of the fastener family (nut bores, tapping screws);
``threaded_rod`` is the stud the holder families assemble with (hook shanks, U-bolts, clamp
spindles, rod ends), drawn as a plain cosmetic thread, ring grooves or a modelled helix
(``helix_thread``, a ridge of triangular section swept along a helix).
"""

from __future__ import annotations

from collections.abc import Callable

import numpy as np
import trimesh

from pointcam_gui.core.synthetic import shapes as sh

Mesh = trimesh.Trimesh


def thread_ridge(z0: float, z1: float, pitch: float, base: Callable[[np.ndarray], np.ndarray],
                 depth: Callable[[np.ndarray], np.ndarray], per_turn: int) -> Mesh:
    """A helical triangular ridge whose base radius and depth may vary along z.

    Unlike ``helix_thread`` the ridge can follow a cone (a screw point) and run out to
    almost nothing at its ends, as rolled threads do, instead of stopping with a blunt face.
    """
    turns = max((z1 - z0) / pitch, 0.25)
    n = max(8, int(turns * per_turn) + 1)
    t = np.linspace(0.0, turns * 2 * np.pi, n)
    z = z0 + t / (2 * np.pi) * pitch
    r, dep = base(z), depth(z)
    half = 0.38 * pitch
    rings = [(r - 0.3 * dep, z - half), (r + dep, z), (r - 0.3 * dep, z + half)]
    verts = np.vstack([np.column_stack([rr * np.cos(t), rr * np.sin(t), zz]) for rr, zz in rings])
    i = np.arange(n - 1)
    faces = []
    for k in range(3):
        a, b = k * n, ((k + 1) % 3) * n
        faces.append(np.column_stack([a + i, a + i + 1, b + i + 1]))
        faces.append(np.column_stack([a + i, b + i + 1, b + i]))
    caps = np.array([[0, n, 2 * n], [n - 1, 3 * n - 1, 2 * n - 1]])
    mesh = Mesh(verts, np.vstack([*faces, caps]), process=False)
    if mesh.volume < 0:
        mesh.invert()
    return mesh


def runout(z0: float, z1: float, length: float, floor: float = 0.08
           ) -> Callable[[np.ndarray], np.ndarray]:
    """Depth factor that ramps from ``floor`` to 1 over ``length`` at both thread ends."""
    def f(z: np.ndarray) -> np.ndarray:
        return np.clip(np.minimum(z - z0, z1 - z) / max(length, 1e-6), floor, 1.0)
    return f


def threaded_rod(radius: float, length: float, rng: np.random.Generator, sections: int,
                 z0: float = 0.0) -> Mesh:
    """A threaded stud on +Z: plain (cosmetic thread), ring grooves or a modelled helix."""
    pitch = max(0.35, 0.3 * radius)
    depth = 0.55 * pitch
    c = min(0.8 * depth, length * 0.2)
    style = rng.choice(["plain", "grooved", "helix"], p=[0.45, 0.43, 0.12])
    if style == "grooved":
        n = int(np.clip(length / pitch, 2, 50))
        z = z0 + np.linspace(c, length - c, 2 * n + 1)
        r = np.where(np.arange(len(z)) % 2 == 0, radius - depth, radius)
        prof = [(0, z0), (radius - c, z0), *zip(r, z, strict=True), (radius - c, z0 + length),
                (0, z0 + length)]
        return sh.revolve(prof, sections)
    core = sh.revolve(sh.chamfered_cylinder_profile(radius if style == "plain" else
                                                    radius - depth, length, c), sections)
    core.apply_translation([0, 0, z0])
    if style == "plain" or length < 3 * pitch:
        return core
    pitch = max(pitch, length / 40)  # a long fine thread would cost tens of thousands of faces
    ridge = helix_thread(radius - depth, pitch, length - 2 * pitch, depth,
                            sections_per_turn=min(sections, 16), z0=z0 + pitch)
    return sh.union(core, ridge)


def helix_thread(radius: float, pitch: float, length: float, depth: float,
                 sections_per_turn: int = 24, z0: float = 0.0) -> Mesh:
    """A helical ridge (a modelled thread) around +Z, to union onto a core of ``radius``.

    ``depth`` is the ridge height; the ridge is a triangular section riding on the core surface.
    """
    turns = max(length / pitch, 0.25)
    n = max(8, int(turns * sections_per_turn))
    t = np.linspace(0, turns * 2 * np.pi, n)
    z = z0 + t / (2 * np.pi) * pitch
    half = 0.35 * pitch
    # Section in the local (radial, axial) plane, swept along the helix path.
    section = [(-depth * 0.15, -half), (depth, 0.0), (-depth * 0.15, half)]
    rings = []
    for (dr, dz) in section:
        rings.append(np.column_stack([(radius + dr) * np.cos(t), (radius + dr) * np.sin(t),
                                      z + dz]))
    verts = np.vstack(rings)  # 3 rings of n points
    faces = []
    for k in range(3):
        a, b = k * n, ((k + 1) % 3) * n
        for i in range(n - 1):
            faces.append([a + i, a + i + 1, b + i + 1])
            faces.append([a + i, b + i + 1, b + i])
    # End caps.
    faces.append([0, n, 2 * n])
    faces.append([n - 1, 3 * n - 1, 2 * n - 1])
    mesh = trimesh.Trimesh(verts, np.asarray(faces), process=True)
    trimesh.repair.fix_normals(mesh)
    return mesh
