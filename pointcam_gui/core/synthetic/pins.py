"""Cylindrical pins: dowel, grooved, clevis, taper, spring and hollow pins.

Proportions follow ISO 2338/8734/8735 dowels, ISO 8740/8741/8744 grooved pins, ISO 2340/2341
clevis pins, ISO 2339 taper pins and ISO 8752/13337 spring pins. Every pin is centred on its
bounding box with its axis along +Z.
"""

from __future__ import annotations

import numpy as np
import trimesh

from pointcam_gui.core.synthetic import Builder
from pointcam_gui.core.synthetic import shapes as sh
from pointcam_gui.core.synthetic.catalogue import centred, loguniform, pick

Mesh = trimesh.Trimesh

PIN_DIAMETERS = np.array([1, 1.5, 2, 2.5, 3, 4, 5, 6, 8, 10, 12, 16, 20, 25, 30, 40])

# Sub-types and how often each is drawn; the builder also takes one of these as ``kind``.
PIN_KINDS = {"dowel": 1.5, "grooved": 1, "clevis": 1.2, "taper": 0.8, "spring": 1, "hollow": 0.6}


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


BUILDERS: dict[str, Builder] = {"Cylindrical pins": cylindrical_pin}
