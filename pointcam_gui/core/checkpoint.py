"""Weights on disk: safetensors tensors plus JSON metadata in the file's header. Never pickle.

The metadata travels with the weights, so a file alone says which classes it names, how many
points it expects, how they are normalized, the architecture, and how it was trained.
"""

from __future__ import annotations

import json
import logging
import os
import tempfile
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

import numpy as np

from pointcam_gui.core.errors import WeightsError
from pointcam_gui.core.sampling import NORMALIZATION, NORMALIZATIONS

if TYPE_CHECKING:  # torch is imported where a network is built: reading metadata needs none
    from pointcam_gui.core.model import PointNet

log = logging.getLogger(__name__)

FORMAT_VERSION = 1
_HEADER_KEY = "pointcam"
ARRAY_PREFIX = "data."  # tensors that are statistics, not network weights


@dataclass(frozen=True)
class ModelMetadata:
    class_names: tuple[str, ...]
    num_points: int
    architecture: dict[str, Any]
    normalization: str = NORMALIZATION
    provenance: dict[str, Any] = field(default_factory=dict)
    format_version: int = FORMAT_VERSION
    calibration: dict[str, Any] = field(default_factory=dict)  # "temperature", how it was fitted
    novelty: dict[str, Any] = field(default_factory=dict)  # novelty.NoveltyModel.to_metadata()

    def to_json(self) -> str:
        data = asdict(self)
        data["class_names"] = list(self.class_names)
        return json.dumps(data, sort_keys=True)

    @classmethod
    def from_json(cls, text: str) -> ModelMetadata:
        data = json.loads(text)
        return cls(class_names=tuple(str(c) for c in data["class_names"]),
                   num_points=int(data["num_points"]),
                   architecture=dict(data["architecture"]),
                   normalization=str(data.get("normalization", NORMALIZATION)),
                   provenance=dict(data.get("provenance", {})),
                   format_version=int(data.get("format_version", FORMAT_VERSION)),
                   calibration=dict(data.get("calibration", {})),
                   novelty=dict(data.get("novelty", {})))


def save_checkpoint(path: str | Path, model: PointNet, metadata: ModelMetadata,
                    arrays: dict[str, np.ndarray] | None = None) -> Path:
    """Write atomically (temporary file, then rename): an interrupted save keeps the old file.

    ``arrays`` are extra named tensors that are data, not network weights (the novelty
    statistics); they are stored under their own prefix and never reach ``load_state_dict``.
    """
    import torch
    from safetensors.torch import save_file

    target = Path(path)
    target.parent.mkdir(parents=True, exist_ok=True)
    tensors = {k: v.detach().cpu().contiguous() for k, v in model.state_dict().items()}
    for name, value in (arrays or {}).items():
        tensors[ARRAY_PREFIX + name] = torch.from_numpy(np.ascontiguousarray(value))
    fd, tmp = tempfile.mkstemp(prefix=f".{target.name}.", suffix=".tmp", dir=target.parent)
    os.close(fd)
    try:
        save_file(tensors, tmp, metadata={_HEADER_KEY: metadata.to_json()})
        Path(tmp).chmod(0o666 & ~_umask())  # mkstemp makes 0600; weights are ordinary data
        Path(tmp).replace(target)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise
    return target


def read_metadata(path: str | Path) -> ModelMetadata:
    """The metadata alone, without building the model."""
    from safetensors import safe_open

    p = Path(path)
    _check_file(p)
    try:
        with safe_open(str(p), framework="np") as f:
            header = (f.metadata() or {}).get(_HEADER_KEY)
    except Exception as exc:
        log.debug("safetensors could not open %s", p, exc_info=True)
        raise WeightsError(f"{p.name}: not a safetensors weights file ({_reason(exc)})") from None
    if header is None:
        raise WeightsError(f"{p.name}: safetensors file without PointCAM metadata")
    try:
        meta = ModelMetadata.from_json(header)
    except (ValueError, KeyError, TypeError) as exc:
        raise WeightsError(f"{p.name}: corrupt PointCAM metadata ({_reason(exc)})") from None
    if meta.normalization not in NORMALIZATIONS:
        raise WeightsError(f"{p.name}: unknown point normalization {meta.normalization!r}; "
                           "upgrade PointCAM")
    if meta.format_version > FORMAT_VERSION:
        raise WeightsError(f"{p.name}: weights format {meta.format_version} is newer than this "
                           f"PointCAM understands ({FORMAT_VERSION}); upgrade PointCAM")
    return meta


def load_checkpoint(path: str | Path) -> tuple[PointNet, ModelMetadata]:
    """Build the model the file describes and load its weights (eval mode, on the CPU)."""
    from safetensors.torch import load_file

    from pointcam_gui.core.model import PointNet, PointNetConfig

    p = Path(path)
    meta = read_metadata(p)
    try:
        config = PointNetConfig.from_dict(meta.architecture)
    except (ValueError, TypeError) as exc:
        raise WeightsError(f"{p.name}: unknown architecture ({_reason(exc)})") from None
    if config.num_classes != len(meta.class_names):
        raise WeightsError(f"{p.name}: {len(meta.class_names)} class names for a model with "
                           f"{config.num_classes} outputs")
    try:
        tensors = load_file(str(p), device="cpu")
        model = PointNet(config)
        model.load_state_dict({k: v for k, v in tensors.items()
                               if not k.startswith(ARRAY_PREFIX)}, strict=True)
    except Exception as exc:
        log.debug("weights did not fit %s", p, exc_info=True)
        raise WeightsError(f"{p.name}: weights do not fit the described model "
                           f"({_reason(exc)})") from None
    model.eval()
    return model, meta


def load_arrays(path: str | Path) -> dict[str, np.ndarray]:
    """The extra data arrays saved beside the weights (empty for plain weights files)."""
    from safetensors import safe_open

    out: dict[str, np.ndarray] = {}
    try:
        with safe_open(str(path), framework="np") as f:
            for key in f.keys():  # noqa: SIM118 - safe_open is not a mapping
                if key.startswith(ARRAY_PREFIX):
                    out[key[len(ARRAY_PREFIX):]] = f.get_tensor(key)
    except Exception as exc:
        raise WeightsError(f"{Path(path).name}: unreadable data arrays ({_reason(exc)})") from None
    return out


def _umask() -> int:
    mask = os.umask(0)
    os.umask(mask)
    return mask


def _check_file(p: Path) -> None:
    if not p.exists():
        raise WeightsError(f"{p}: weights file not found")
    if not p.is_file():
        raise WeightsError(f"{p}: is a folder, not a weights file")


def _reason(exc: BaseException) -> str:
    text = " ".join(str(exc).split()) or type(exc).__name__
    return text if len(text) <= 120 else text[:117] + "..."
