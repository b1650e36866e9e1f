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


def reading_failure(name: str, exc: Exception) -> PointCAMError:
    """What a child process that reads part files reports for ``exc``, in one line: the part's
    own reason, a lack of memory, or a bug in a parser (its message on one line)."""
    if isinstance(exc, PointCAMError):
        return exc
    if isinstance(exc, MemoryError):
        return MeshLoadError(f"{name}: not enough memory to read this file")
    reason = " ".join(str(exc).split())[:160] or type(exc).__name__
    return MeshLoadError(f"{name}: internal error while reading: {reason}")
