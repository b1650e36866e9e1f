#!/usr/bin/env bash
# Build the desktop bundle on Linux: dist/PointCAM/ (pointcam-gui, pointcam, the libraries, the
# desktop files and install.sh) and dist/PointCAM-<version>-linux-<arch>.tar.gz.
#     packaging/build.sh            (uses ./.venv; VENV=path to use another environment)
# Installs PyInstaller and the STEP reader into that environment (the `bundle` extra) if needed.
set -euo pipefail
cd "$(dirname "$0")/.."
venv="${VENV:-.venv}"
py="$venv/bin/python"
[ -x "$py" ] || { echo "build: no Python environment at $venv; run ./install.sh first" >&2; exit 1; }
if ! "$py" -c "import PyInstaller, cascadio" 2>/dev/null; then
  "$py" -m pip install --quiet -c constraints-cpu.txt -e ".[bundle]"
fi

"$py" packaging/icons.py build/icons
# (torch's hooks import its deprecated modules: their DeprecationWarnings are noise here)
PYTHONWARNINGS=ignore::DeprecationWarning \
  "$py" -m PyInstaller --noconfirm --log-level WARN --distpath dist --workpath build/pyinstaller \
    packaging/pyinstaller/pointcam.spec

bundle=dist/PointCAM
packaging/linux/assemble.sh "$bundle" build/icons
cp LICENSE "$bundle/"

version="$("$py" -c 'import pointcam_gui; print(pointcam_gui.__version__)')"
archive="dist/PointCAM-$version-linux-$(uname -m).tar.gz"
tar -C dist -czf "$archive" PointCAM
echo "build: $bundle ($(du -sh "$bundle" | cut -f1) unpacked) and $archive ($(du -sh "$archive" | cut -f1))"
