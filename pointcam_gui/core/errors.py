"""The one expected-error type: a one-line human message, shown as-is by the CLI and the GUI."""

from __future__ import annotations


class PointCAMError(Exception):
    """Bad input or environment (a corrupt file, a missing GPU, a wrong argument).

    The message is one line that names the thing and the reason; callers show it verbatim.
    """

    def __init__(self, message: str) -> None:
        super().__init__(" ".join(str(message).split()))


class MeshLoadError(PointCAMError):
    """A part file could not be turned into a usable triangle mesh."""


class WeightsError(PointCAMError):
    """A weights file is missing, corrupt or does not fit the model."""


class DeviceError(PointCAMError):
    """The requested compute device is not available."""


class DatasetError(PointCAMError):
    """A training or evaluation dataset cannot be used."""
