"""`pointcam-gui` as a process: arguments, the no-display check, and --screenshot end to end."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest
from PySide6.QtGui import QImage

from pointcam_gui.gui import app
from tests.gui.conftest import heat_pixels


def _run(args: list[str], env: dict[str, str] | None = None) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "pointcam_gui", *args], capture_output=True,
                          text=True, timeout=300, env=env or dict(os.environ))


def test_screenshot_run_saves_the_whole_window_with_heat_and_exits_0(
        tmp_path: Path, parts: dict[str, Path], tiny_weights: Path) -> None:
    out = tmp_path / "window.png"
    done = _run([str(parts["torus"]), "--weights", str(tiny_weights), "--device", "cpu",
                 "--target", "hook", "--screenshot", str(out)])
    assert done.returncode == 0, done.stderr
    image = QImage(str(out)).convertToFormat(QImage.Format.Format_RGB888)
    assert (image.width(), image.height()) == (1400, 900)  # the whole window, not the viewport
    rgb = np.frombuffer(image.constBits(), np.uint8).reshape(900, image.bytesPerLine())
    red, blue = heat_pixels(rgb[:, : 1400 * 3].reshape(900, 1400, 3))
    assert red > 500 and blue > 500


def test_screenshot_run_of_a_bad_file_exits_2_with_one_line(
        tmp_path: Path, parts: dict[str, Path], tiny_weights: Path) -> None:
    out = tmp_path / "never.png"
    done = _run([str(parts["broken"]), "--weights", str(tiny_weights), "--screenshot", str(out)])
    assert done.returncode == 2
    lines = [ln for ln in done.stderr.splitlines() if ln.startswith("pointcam-gui:")]
    assert len(lines) == 1 and "broken.stl" in lines[0]
    assert "Traceback" not in done.stderr
    assert not out.exists()


@pytest.mark.parametrize("argv", [["--screenshot", "out.png"],
                                  ["part.stl", "--screenshot", "out.gif"],
                                  ["--device", "tpu"]])
def test_argument_errors_exit_2_with_one_line(argv: list[str],
                                              capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as exc:
        app.main(argv)
    assert exc.value.code == 2
    assert len(capsys.readouterr().err.strip().splitlines()) == 1


def test_without_a_display_it_exits_2_and_suggests_xvfb(
        monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]) -> None:
    monkeypatch.setattr(sys, "platform", "linux")
    for name in ("DISPLAY", "WAYLAND_DISPLAY", "QT_QPA_PLATFORM"):
        monkeypatch.delenv(name, raising=False)
    assert app.main([]) == 2
    err = capsys.readouterr().err.strip()
    assert len(err.splitlines()) == 1
    assert "xvfb-run" in err and "pointcam explain" in err


def test_a_display_or_platform_plugin_is_enough(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(sys, "platform", "linux")
    monkeypatch.delenv("DISPLAY", raising=False)
    monkeypatch.delenv("WAYLAND_DISPLAY", raising=False)
    monkeypatch.setenv("QT_QPA_PLATFORM", "offscreen")
    assert app.no_display_reason() is None
