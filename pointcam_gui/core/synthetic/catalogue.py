"""What every family builder shares: drawing a sub-type, sizing on a log scale, labelling.

A class builder draws one sub-type (by weight, as a name or as a sub-builder), draws catalogue
sizes log-uniformly (small and large parts equally often), and ends by labelling the part with
its sub-type, usually centred on its bounding box. Changing any of these changes what every
(class, seed) produces, so they live once, here.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import trimesh

from pointcam_gui.core.synthetic import Builder

Mesh = trimesh.Trimesh


def pick(rng: np.random.Generator, options: dict[str, float]) -> str:
    """One name of ``options`` drawn with probability proportional to its weight."""
    names = list(options)
    p = np.array([options[n] for n in names], float)
    return str(rng.choice(names, p=p / p.sum()))


def one_of(builders: Sequence[Builder], weights: Sequence[float]) -> Builder:
    """A class builder that draws one sub-type builder by weight."""
    p = np.asarray(weights, float) / np.sum(weights)

    def build(rng: np.random.Generator) -> Mesh:
        return builders[int(rng.choice(len(builders), p=p))](rng)
    return build


def loguniform(rng: np.random.Generator, low: float, high: float) -> float:
    """A size between ``low`` and ``high`` whose logarithm is uniform."""
    return float(np.exp(rng.uniform(np.log(low), np.log(high))))


def labelled(mesh: Mesh, subtype: str) -> Mesh:
    """``mesh`` itself, labelled with its sub-type in its metadata."""
    mesh.metadata["subtype"] = subtype
    return mesh


def centred(mesh: Mesh, subtype: str) -> Mesh:
    """``mesh`` itself, moved to centre its bounding box on the origin, and labelled."""
    mesh.apply_translation(-mesh.bounds.mean(axis=0))
    return labelled(mesh, subtype)
