from __future__ import annotations

import pytest
import torch

from pointcam_gui.core.device import resolve_device
from pointcam_gui.core.errors import DeviceError


def test_cpu_always_works_and_auto_falls_back_to_cpu_without_cuda(monkeypatch) -> None:
    monkeypatch.setattr(torch.cuda, "is_available", lambda: False)
    assert resolve_device("cpu") == torch.device("cpu")
    assert resolve_device("auto") == torch.device("cpu")


def test_cuda_without_a_gpu_is_a_clear_error(monkeypatch) -> None:
    monkeypatch.setattr(torch.cuda, "is_available", lambda: False)
    with pytest.raises(DeviceError, match="no CUDA GPU"):
        resolve_device("cuda")


def test_a_broken_cuda_probe_counts_as_no_cuda(monkeypatch) -> None:
    def broken() -> bool:
        raise RuntimeError("driver mismatch")

    monkeypatch.setattr(torch.cuda, "is_available", broken)
    assert resolve_device("auto") == torch.device("cpu")


def test_unknown_device_names_the_choices() -> None:
    with pytest.raises(DeviceError, match="auto, cpu, cuda"):
        resolve_device("tpu")
