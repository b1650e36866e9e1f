"""Solid building blocks for the part generator: revolutions, prisms, sweeps and booleans.

Every function returns a watertight ``trimesh.Trimesh`` in millimetres, built around the origin
with +Z as the main axis unless it takes a placement. Booleans go through manifold3d, which is
robust on the coincident faces that CAD-like construction produces.
"""

from __future__ import annotations

from collections.abc import Sequence

import manifold3d
import numpy as np
import trimesh
from numpy.typing import ArrayLike

Mesh = trimesh.Trimesh


# --- booleans ---------------------------------------------------------------------------------
# Straight on manifold3d: trimesh's wrapper re-checks every operand's volume and mass properties
# on each call, which costs more than the boolean itself; our operands are watertight by
# construction.

def _solid(mesh: Mesh) -> manifold3d.Manifold:
    return manifold3d.Manifold(manifold3d.Mesh(
        vert_properties=np.asarray(mesh.vertices, np.float32),
        tri_verts=np.asarray(mesh.faces, np.uint32)))


def _mesh(solid: manifold3d.Manifold) -> Mesh:
    out = solid.to_mesh()
    return Mesh(np.asarray(out.vert_properties[:, :3], float), np.asarray(out.tri_verts),
                process=False)


def union(*meshes: Mesh) -> Mesh:
    parts = [m for m in meshes if m is not None and len(m.faces)]
    if len(parts) == 1:
        return parts[0]
    return _mesh(manifold3d.Manifold.batch_boolean([_solid(m) for m in parts],
                                                   manifold3d.OpType.Add))


def difference(base: Mesh, *cutters: Mesh) -> Mesh:
    tools = [_solid(c) for c in cutters if c is not None and len(c.faces)]
    if not tools:
        return base
    return _mesh(_solid(base) - manifold3d.Manifold.batch_boolean(tools, manifold3d.OpType.Add))


def intersection(*meshes: Mesh) -> Mesh:
    return _mesh(manifold3d.Manifold.batch_boolean([_solid(m) for m in meshes],
                                                   manifold3d.OpType.Intersect))


def combine(*meshes: Mesh) -> Mesh:
    """Several bodies in one mesh without a boolean (an assembly: bearing balls, a loose pin)."""
    out = trimesh.util.concatenate([m for m in meshes if m is not None and len(m.faces)])
    assert isinstance(out, trimesh.Trimesh)
    return out


# --- placement --------------------------------------------------------------------------------

def moved(mesh: Mesh, offset: ArrayLike) -> Mesh:
    out = mesh.copy()
    out.apply_translation(np.asarray(offset, dtype=float))
    return out


def rotated(mesh: Mesh, angle: float, axis: ArrayLike, point: ArrayLike | None = None) -> Mesh:
    out = mesh.copy()
    out.apply_transform(trimesh.transformations.rotation_matrix(angle, axis, point))
    return out


def aligned(mesh: Mesh, direction: ArrayLike) -> Mesh:
    """Rotate a +Z-axis part so that its axis points along ``direction``."""
    out = mesh.copy()
    out.apply_transform(trimesh.geometry.align_vectors([0, 0, 1], np.asarray(direction, float)))
    return out


# --- solids -----------------------------------------------------------------------------------

def revolve(profile: ArrayLike, sections: int = 64) -> Mesh:
    """Revolve a closed (r, z) profile, counter-clockwise, around +Z into a solid.

    The profile is a list of (radius, z) points; it is closed automatically. Radii of 0 touch the
    axis (a solid of revolution); all radii > 0 make a ring.
    """
    pts = np.asarray(profile, dtype=float)
    if np.allclose(pts[0], pts[-1]):
        pts = pts[:-1]
    # trimesh wants the polyline closed and wound so that normals face outwards.
    area = 0.5 * np.sum(pts[:, 0] * np.roll(pts[:, 1], -1) - np.roll(pts[:, 0], -1) * pts[:, 1])
    if area < 0:
        pts = pts[::-1]
    pts = np.vstack([pts, pts[:1]])
    mesh = trimesh.creation.revolve(pts, sections=int(sections))
    if mesh.volume < 0:
        mesh.invert()
    return mesh


def cylinder(radius: float, height: float, sections: int = 48, z0: float = 0.0) -> Mesh:
    """Solid cylinder on +Z from ``z0`` to ``z0 + height``."""
    c = trimesh.creation.cylinder(radius=radius, height=height, sections=int(sections))
    c.apply_translation([0, 0, z0 + height / 2])
    return c


def cylinder_between(p0: ArrayLike, p1: ArrayLike, radius: float, sections: int = 32) -> Mesh:
    return trimesh.creation.cylinder(radius=radius, segment=np.array([p0, p1], float),
                                     sections=int(sections))


def tube(r_in: float, r_out: float, height: float, sections: int = 64, z0: float = 0.0) -> Mesh:
    """Hollow cylinder (a ring) on +Z from ``z0`` to ``z0 + height``."""
    return revolve([(r_in, z0), (r_out, z0), (r_out, z0 + height), (r_in, z0 + height)],
                   sections)


def box(extents: Sequence[float], center: ArrayLike = (0, 0, 0)) -> Mesh:
    b = trimesh.creation.box(extents=np.asarray(extents, float))
    b.apply_translation(np.asarray(center, float))
    return b


def prism(polygon: ArrayLike, height: float, z0: float = 0.0) -> Mesh:
    """Extrude a closed 2-D polygon (x, y points, counter-clockwise) along +Z."""
    from shapely.geometry import Polygon

    poly = Polygon(np.asarray(polygon, float))
    m = trimesh.creation.extrude_polygon(poly, height)
    m.apply_translation([0, 0, z0])
    return m


def regular_polygon(sides: int, circumradius: float, phase: float = 0.0) -> np.ndarray:
    a = phase + np.linspace(0, 2 * np.pi, sides, endpoint=False)
    return np.column_stack([circumradius * np.cos(a), circumradius * np.sin(a)])


def hex_prism(across_flats: float, height: float, z0: float = 0.0) -> Mesh:
    return prism(regular_polygon(6, across_flats / np.sqrt(3.0)), height, z0)


def sphere(radius: float, center: ArrayLike = (0, 0, 0), subdivisions: int = 2) -> Mesh:
    s = trimesh.creation.icosphere(subdivisions=subdivisions, radius=radius)
    s.apply_translation(np.asarray(center, float))
    return s


def torus(major: float, minor: float, major_sections: int = 64, minor_sections: int = 24) -> Mesh:
    """Torus around +Z in the XY plane."""
    return trimesh.creation.torus(major_radius=major, minor_radius=minor,
                                  major_sections=int(major_sections),
                                  minor_sections=int(minor_sections))


def loft(rings: np.ndarray, start: ArrayLike, end: ArrayLike, *, process: bool = False) -> Mesh:
    """Stitch (n, k, 3) section rings, in order along a path, into a closed bar with end caps
    fanned from the ``start`` and ``end`` points. Sweeps with varying sections build on this."""
    n, k = rings.shape[:2]
    verts = np.vstack([rings.reshape(-1, 3), np.reshape(start, (1, 3)), np.reshape(end, (1, 3))])
    i, j = np.meshgrid(np.arange(n - 1), np.arange(k), indexing="ij")
    a, b = i * k + j, i * k + (j + 1) % k
    c, d = b + k, a + k
    side = np.concatenate([np.stack([a, b, c], -1).reshape(-1, 3),
                           np.stack([a, c, d], -1).reshape(-1, 3)])
    jj = np.arange(k)
    cap0 = np.column_stack([np.full(k, n * k), (jj + 1) % k, jj])
    cap1 = np.column_stack([np.full(k, n * k + 1), (n - 1) * k + jj, (n - 1) * k + (jj + 1) % k])
    mesh = Mesh(verts, np.vstack([side, cap0, cap1]), process=process)
    if mesh.volume < 0:
        mesh.invert()
    return mesh


def sweep_circle(path: ArrayLike, radius: float, sections: int = 24) -> Mesh:
    """A round bar of ``radius`` swept along a 3-D polyline ``path`` (hooks, bent rods, U-bolts).

    Ends are capped. The path needs no sharp corners: sample arcs finely.
    """
    from shapely.geometry import Point

    circle = Point(0, 0).buffer(radius, quad_segs=max(2, sections // 4))
    return trimesh.creation.sweep_polygon(circle, np.asarray(path, float))


def sweep_polygon(path: ArrayLike, polygon: ArrayLike) -> Mesh:
    """A bar of any 2-D section (x, y points) swept along a 3-D polyline (flat hooks, bands)."""
    from shapely.geometry import Polygon

    return trimesh.creation.sweep_polygon(Polygon(np.asarray(polygon, float)),
                                          np.asarray(path, float))


def arc(radius: float, start: float, stop: float, n: int = 48,
        center: ArrayLike = (0, 0, 0)) -> np.ndarray:
    """Points on a circular arc in the XZ plane (angles in radians, 0 = +X, pi/2 = +Z)."""
    t = np.linspace(start, stop, n)
    c = np.asarray(center, float)
    return np.column_stack([c[0] + radius * np.cos(t), np.full_like(t, c[1]),
                            c[2] + radius * np.sin(t)])


def chamfered_cylinder_profile(radius: float, height: float, chamfer: float,
                               bore: float = 0.0) -> list[tuple[float, float]]:
    """(r, z) profile of a cylinder with chamfered outer edges and an optional bore."""
    c = min(chamfer, radius * 0.5, height * 0.45)
    r0 = bore
    return [(r0, 0.0), (radius - c, 0.0), (radius, c), (radius, height - c),
            (radius - c, height), (r0, height)]


def sections(rng: np.random.Generator, low: int = 10, high: int = 96) -> int:
    """How finely to tessellate a round feature: CAD exports range from very coarse to fine."""
    choices = np.array([10, 12, 16, 20, 24, 32, 40, 48, 64, 80, 96])
    choices = choices[(choices >= low) & (choices <= high)]
    return int(rng.choice(choices))
