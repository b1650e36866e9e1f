"""The Linux desktop files: valid for the freedesktop tools, consistent with each other and with
the formats PointCAM reads; the icons render at every size; install.sh installs and removes."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import xml.etree.ElementTree as ET
from configparser import ConfigParser
from pathlib import Path

import pytest

from pointcam_gui.core.mesh_checks import KIND_NAMES

ROOT = Path(__file__).resolve().parents[2]
LINUX = ROOT / "packaging" / "linux"
APP_ID = "org.pointcam.PointCAM"
DESKTOP = LINUX / f"{APP_ID}.desktop"
METAINFO = LINUX / f"{APP_ID}.metainfo.xml"
MIME = LINUX / f"{APP_ID}.mime.xml"
MIME_NS = "{http://www.freedesktop.org/standards/shared-mime-info}"
SIZES = (16, 24, 32, 48, 64, 128, 256, 512)


def _tool(name: str) -> str:
    path = shutil.which(name)
    if path is None:  # scripts/system-deps.sh installs it on Debian and Ubuntu
        pytest.skip(f"{name} is not installed")
    return path


def _desktop_entry() -> dict[str, str]:
    parser = ConfigParser(interpolation=None)
    parser.optionxform = str  # type: ignore[assignment,method-assign]
    parser.read(DESKTOP)
    return dict(parser["Desktop Entry"])


def _mime_types() -> dict[str, list[str]]:
    """Each type the shared-mime-info file defines, with its glob patterns."""
    root = ET.parse(MIME).getroot()
    return {t.get("type", ""): [g.get("pattern", "") for g in t.findall(f"{MIME_NS}glob")]
            for t in root.findall(f"{MIME_NS}mime-type")}


def test_desktop_entry_is_valid() -> None:
    result = subprocess.run([_tool("desktop-file-validate"), str(DESKTOP)],
                            capture_output=True, text=True)
    assert result.returncode == 0 and "error" not in result.stdout, result.stdout


def test_metainfo_is_valid() -> None:
    result = subprocess.run([_tool("appstreamcli"), "validate", "--no-net", str(METAINFO)],
                            capture_output=True, text=True)
    assert result.returncode == 0, result.stdout + result.stderr


def test_entry_opens_every_file_it_is_given_as_the_app_id_it_names() -> None:
    entry = _desktop_entry()
    assert entry["Exec"] == "pointcam-gui %F"
    assert entry["Icon"] == APP_ID
    from pointcam_gui.gui import app  # what the window tells the desktop

    assert app.APP_ID == APP_ID
    metainfo = ET.parse(METAINFO).getroot()
    assert metainfo.findtext("id") == APP_ID
    assert metainfo.findtext("launchable") == DESKTOP.name


def test_every_readable_format_has_a_file_type_the_entry_and_metainfo_claim() -> None:
    types = _mime_types()
    globs = {pattern for patterns in types.values() for pattern in patterns}
    assert {f"*{suffix}" for suffix in KIND_NAMES} <= globs
    claimed = set(_desktop_entry()["MimeType"].strip(";").split(";"))
    assert set(types) <= claimed
    provided = {m.text for m in ET.parse(METAINFO).getroot().iter("mediatype")}
    assert provided == set(types)
    for name in ("model/stl", "model/obj", "model/3mf", "model/gltf-binary", "model/step"):
        assert name in types  # the freedesktop names where they exist


@pytest.fixture(scope="module")
def icons(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("icons")
    subprocess.run([sys.executable, str(ROOT / "packaging" / "icons.py"), str(out)], check=True,
                   capture_output=True, env={**os.environ, "QT_QPA_PLATFORM": "offscreen"})
    return out


def test_icons_come_in_every_hicolor_size_and_for_windows_and_macos(icons: Path) -> None:
    from PIL import Image

    for size in SIZES:
        with Image.open(icons / "hicolor" / f"{size}x{size}" / "apps" / f"{APP_ID}.png") as im:
            assert im.size == (size, size) and im.mode == "RGBA"
            assert im.getextrema()[3][1] == 255  # something is drawn
    assert (icons / "hicolor" / "scalable" / "apps" / f"{APP_ID}.svg").is_file()
    with Image.open(icons / "pointcam.ico") as ico:
        assert (256, 256) in ico.info["sizes"] and (16, 16) in ico.info["sizes"]
    with Image.open(icons / "pointcam.icns") as icns:
        assert icns.size[0] >= 256


def test_install_script_adds_the_app_to_the_desktop_and_uninstall_removes_it(
        icons: Path, tmp_path: Path) -> None:
    bundle = tmp_path / "Point CAM"  # a space in the path, as in ~/My Apps/
    bundle.mkdir()
    (bundle / "pointcam-gui").write_text("#!/bin/sh\necho \"$0\" \"$@\"\n")
    (bundle / "pointcam-gui").chmod(0o755)
    (bundle / "pointcam").symlink_to("pointcam-gui")
    subprocess.run([str(LINUX / "assemble.sh"), str(bundle), str(icons)], check=True)
    home = tmp_path / "home"
    env = {k: v for k, v in os.environ.items() if k != "XDG_DATA_HOME"} | {"HOME": str(home)}
    installed = subprocess.run([str(bundle / "install.sh")], env=env, capture_output=True,
                               text=True)
    assert installed.returncode == 0, installed.stderr
    data = home / ".local" / "share"
    entry = data / "applications" / DESKTOP.name
    assert f'Exec="{bundle}/pointcam-gui" %F' in entry.read_text()
    if shutil.which("desktop-file-validate"):
        check = subprocess.run(["desktop-file-validate", str(entry)], capture_output=True,
                               text=True)
        assert check.returncode == 0, check.stdout
    assert (data / "metainfo" / METAINFO.name).is_file()
    assert (data / "icons" / "hicolor" / "48x48" / "apps" / f"{APP_ID}.png").is_file()
    if shutil.which("update-mime-database"):
        assert (data / "mime" / "model" / "x-ply.xml").is_file()  # the database was rebuilt
    cli = home / ".local" / "bin" / "pointcam"
    assert cli.is_symlink() and cli.resolve() == (bundle / "pointcam-gui").resolve()

    removed = subprocess.run([str(bundle / "install.sh"), "--uninstall"], env=env,
                             capture_output=True, text=True)
    assert removed.returncode == 0, removed.stderr
    assert not entry.exists() and not cli.exists() and not cli.is_symlink()
    assert not list(data.rglob(f"{APP_ID}*"))
    assert (bundle / "pointcam-gui").is_file()  # the bundle itself stays


def test_install_script_refuses_to_run_outside_a_bundle(tmp_path: Path) -> None:
    result = subprocess.run([str(LINUX / "install.sh")], capture_output=True, text=True,
                            env={**os.environ, "HOME": str(tmp_path)})
    assert result.returncode == 1
    assert result.stderr.count("\n") == 1 and "bundle" in result.stderr
