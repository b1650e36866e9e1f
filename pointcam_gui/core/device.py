"""Which torch device to run on: ``auto`` (CUDA when present), ``cpu`` or ``cuda``; and the
precisions training offers (inference is always float32)."""

from __future__ import annotations

from typing import TYPE_CHECKING

from pointcam_gui.core.errors import DeviceError

if TYPE_CHECKING:
    import torch

DEVICE_CHOICES: tuple[str, ...] = ("auto", "cpu", "cuda")
PRECISIONS: tuple[str, ...] = ("float32", "bfloat16")


def cuda_available() -> bool:
    import torch

    try:
        return bool(torch.cuda.is_available())
    except Exception:  # a broken driver install reports as "no CUDA", not as a crash
        return False


def resolve_device(name: str = "auto") -> torch.device:
    import torch

    choice = (name or "auto").strip().lower()
    if choice == "auto":
        return torch.device("cuda:0" if cuda_available() else "cpu")
    if choice == "cpu":
        return torch.device("cpu")
    if choice.startswith("cuda"):
        if not cuda_available():
            raise DeviceError("CUDA was requested but no CUDA GPU is available to torch; "
                              "use --device cpu or auto (see README: GPU install)")
        dev = torch.device("cuda:0" if choice == "cuda" else choice)
        if dev.index is not None and dev.index >= torch.cuda.device_count():
            raise DeviceError(f"{choice} does not exist: this machine has "
                              f"{torch.cuda.device_count()} CUDA device(s)")
        return dev
    raise DeviceError(f"unknown device {name!r}: choose one of {', '.join(DEVICE_CHOICES)}")
