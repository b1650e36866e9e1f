"""Make a clean generated part look like a real CAD export.

Real files come in any orientation and placement, in millimetres, metres or inches, tessellated
coarsely or finely by whichever exporter wrote them, sometimes with rounded coordinates, a few
missing faces, or STL's unmerged triangle soup. Hand-made models add their own habits: very
coarse facets, triangles written twice, a loose screw saved with the part, a whole face left
open, an assembly simplified to its main body. ``vary`` applies a random mix of these to one
part, each rarely enough that the part stays recognisable; the classifier must learn to ignore
all of it. It never returns an empty or degenerate mesh.
"""

from __future__ import annotations

import logging

import numpy as np
import trimesh

from pointcam_gui.core.synthetic.shapes import revolve

log = logging.getLogger(__name__)

# Unit a CAD file was exported in, its probability, and millimetres -> that unit.
UNITS: tuple[tuple[str, float, float], ...] = (
    ("mm", 0.80, 1.0), ("m", 0.12, 1e-3), ("in", 0.08, 1 / 25.4))
MAX_FACES = 60_000


def random_rotation(rng: np.random.Generator) -> np.ndarray:
    """A 4x4 rotation uniform over SO(3) (a normalised Gaussian quaternion)."""
    q = rng.normal(size=4)
    q /= np.linalg.norm(q) or 1.0
    return trimesh.transformations.quaternion_matrix(q)


def _subdivide(mesh: trimesh.Trimesh, rng: np.random.Generator) -> trimesh.Trimesh:
    """Split long triangles, as exporters with a max-edge-length setting do."""
    diag = float(np.linalg.norm(mesh.extents))
    # At most three halvings of the longest edge: keeps the face count bounded.
    target = max(diag / rng.uniform(12.0, 40.0), float(mesh.edges_unique_length.max()) / 7.9)
    try:
        verts, faces = trimesh.remesh.subdivide_to_size(mesh.vertices, mesh.faces, target,
                                                        max_iter=4)
    except ValueError:  # trimesh gives up when edges stay long; keep the coarse export
        return mesh
    if len(faces) > MAX_FACES:
        return mesh
    return trimesh.Trimesh(verts, faces, process=False)


def _quantize(mesh: trimesh.Trimesh, rng: np.random.Generator) -> trimesh.Trimesh:
    """Round coordinates to a grid, like an ASCII STL written with few decimals."""
    grid = float(np.linalg.norm(mesh.extents)) * 10 ** rng.uniform(-4.0, -2.5)
    out = mesh.copy()
    out.vertices = np.round(out.vertices / grid) * grid
    out.update_faces(out.nondegenerate_faces())
    return out


def _noise(mesh: trimesh.Trimesh, rng: np.random.Generator) -> trimesh.Trimesh:
    """Tiny per-vertex jitter (merged vertices move together, so the surface stays closed)."""
    sigma = float(np.linalg.norm(mesh.extents)) * rng.uniform(1e-4, 1.5e-3)
    out = mesh.copy()
    out.vertices = out.vertices + rng.normal(scale=sigma, size=out.vertices.shape)
    return out


def _open_patch(mesh: trimesh.Trimesh, rng: np.random.Generator) -> trimesh.Trimesh:
    """Drop a small connected-looking patch of faces: the holes of a sloppy export."""
    n = len(mesh.faces)
    k = int(min(max(1, n * rng.uniform(0.002, 0.02)), n // 10))
    if k < 1:
        return mesh
    centres = mesh.triangles_center
    seed = centres[rng.integers(n)]
    drop = np.argsort(np.linalg.norm(centres - seed, axis=1))[:k]
    keep = np.ones(n, bool)
    keep[drop] = False
    out = mesh.copy()
    out.update_faces(keep)
    out.remove_unreferenced_vertices()
    return out


def _main_body(mesh: trimesh.Trimesh, rng: np.random.Generator) -> trimesh.Trimesh:
    """Keep the large bodies of an assembly: the loose nuts, balls or pins were left out."""
    bodies = mesh.split(only_watertight=False)
    if not 2 <= len(bodies) <= 60:  # one body, or a triangle soup: nothing to simplify
        return mesh
    areas = np.array([b.area for b in bodies])
    keep = areas >= areas.max() * rng.uniform(0.1, 0.4)
    if keep.all() or areas[keep].sum() < 0.5 * areas.sum():
        return mesh
    out = trimesh.util.concatenate([b for b, k in zip(bodies, keep, strict=True) if k])
    return out if isinstance(out, trimesh.Trimesh) else mesh


def _coarsen(mesh: trimesh.Trimesh, rng: np.random.Generator) -> trimesh.Trimesh:
    """Snap vertices to a coarse grid and drop collapsed faces: a very low-poly model."""
    grid = float(np.linalg.norm(mesh.extents)) / rng.uniform(60.0, 140.0)
    out = trimesh.Trimesh(np.round(mesh.vertices / grid) * grid, mesh.faces.copy(), process=False)
    out.merge_vertices()
    out.update_faces(out.nondegenerate_faces())
    out.remove_unreferenced_vertices()
    # Thin walls collapse at this grid; keep the original when the part would lose its shape.
    if len(out.faces) < 0.25 * len(mesh.faces) or not 0.6 < out.area / mesh.area < 1.4:
        return mesh
    return out


def _open_side(mesh: trimesh.Trimesh, rng: np.random.Generator) -> trimesh.Trimesh:
    """Leave out the faces of one outermost side (an end cap, a plate face): an open shell."""
    axis = np.zeros(3)
    axis[rng.integers(3)] = rng.choice([-1.0, 1.0])
    along = mesh.triangles_center @ axis
    reach = along.max() - 0.05 * float(np.ptp(along))
    drop = (mesh.face_normals @ axis > 0.9) & (along >= reach)
    if not drop.any() or drop.sum() > 0.25 * len(mesh.faces):
        return mesh
    out = mesh.copy()
    out.update_faces(~drop)
    out.remove_unreferenced_vertices()
    return out


def _loose_screw(mesh: trimesh.Trimesh, rng: np.random.Generator) -> trimesh.Trimesh:
    """Save a loose screw (or washer) beside the part, as a second body in the same file."""
    size = float(mesh.extents.max()) * rng.uniform(0.08, 0.25)
    k = int(rng.choice([6, 8, 12, 16, 24]))
    if rng.random() < 0.7:
        r = size * 0.12
        extra = revolve([(0, 0), (r, 0), (r, size), (1.8 * r, size), (1.8 * r, size + 1.2 * r),
                         (0, size + 1.2 * r)], k)
    else:
        extra = trimesh.creation.annulus(r_min=size * 0.25, r_max=size * 0.5,
                                         height=size * 0.1, sections=k)
    extra.apply_transform(random_rotation(rng))
    side = rng.normal(size=3)
    side /= np.linalg.norm(side) or 1.0
    gap = float(np.linalg.norm(mesh.extents)) * rng.uniform(0.55, 0.8)
    extra.apply_translation(mesh.bounds.mean(axis=0) + side * gap)
    out = trimesh.util.concatenate([mesh, extra])
    return out if isinstance(out, trimesh.Trimesh) else mesh


def _duplicate(mesh: trimesh.Trimesh, rng: np.random.Generator) -> trimesh.Trimesh:
    """Write some triangles twice (a doubled shell or patch), some of them flipped."""
    n = len(mesh.faces)
    pick = rng.choice(n, size=max(1, int(n * rng.uniform(0.05, 1.0))), replace=False)
    extra = mesh.faces[np.sort(pick)].copy()
    flip = rng.random(len(extra)) < rng.uniform(0.0, 0.5)
    extra[flip] = extra[flip][:, ::-1]
    return trimesh.Trimesh(mesh.vertices.copy(), np.vstack([mesh.faces, extra]), process=False)


def _soup(mesh: trimesh.Trimesh) -> trimesh.Trimesh:
    """Unmerged vertices, three per triangle, as an STL file stores them."""
    tris = mesh.triangles.reshape(-1, 3)
    return trimesh.Trimesh(tris, np.arange(len(tris)).reshape(-1, 3), process=False)


def _usable(mesh: trimesh.Trimesh) -> bool:
    return (len(mesh.faces) > 0 and bool(np.isfinite(mesh.vertices).all())
            and float(mesh.area) > 0.0 and float(np.ptp(mesh.vertices, axis=0).max()) > 0.0)


def vary(mesh: trimesh.Trimesh, rng: np.random.Generator) -> trimesh.Trimesh:
    """A copy of ``mesh`` with a random export look; ``metadata`` says what was done."""
    applied: list[str] = []
    out = mesh.copy()
    steps = (("main_body", 0.08, _main_body), ("coarsen", 0.06, _coarsen),
             ("subdivide", 0.25, _subdivide), ("quantize", 0.10, _quantize),
             ("noise", 0.12, _noise), ("open", 0.08, _open_patch), ("open_side", 0.05, _open_side),
             ("loose_screw", 0.05, _loose_screw), ("duplicate", 0.06, _duplicate))
    for name, p, step in steps:
        if rng.random() < p:
            candidate = step(out, rng)
            if _usable(candidate):
                out = candidate
                applied.append(name)
    if rng.random() < 0.3:
        out = _soup(out)
        applied.append("soup")
    names = [u[0] for u in UNITS]
    probs = np.array([u[1] for u in UNITS])
    unit = int(rng.choice(len(UNITS), p=probs / probs.sum()))
    transform = random_rotation(rng)
    transform[:3, :3] *= UNITS[unit][2]
    # Exported parts sit wherever the designer modelled them, not at the origin.
    if rng.random() < 0.4:
        transform[:3, 3] = rng.normal(scale=0.5, size=3) * float(np.linalg.norm(out.extents))
        transform[:3, 3] *= UNITS[unit][2]
    out.apply_transform(transform)
    if not _usable(out):  # numerically impossible in practice; never hand back a broken part
        log.warning("variety produced an unusable mesh; returning the rotated original")
        out = mesh.copy()
        out.apply_transform(random_rotation(rng))
        applied = []
    out.metadata = dict(mesh.metadata)
    out.metadata.update({"units": names[unit], "variety": applied})
    return out
