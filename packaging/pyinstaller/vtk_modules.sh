#!/usr/bin/env bash
# Lists the VTK libraries PointCAM loads at run time into vtk_modules.txt, which the spec uses to
# leave the other ~290 VTK libraries (about 190 MB) out of the Linux bundle. It runs the window
# (screenshot mode), `pointcam explain` with a screenshot and `pointcam batch` with an HTML report
# under the dynamic loader's debug log. Rerun it after upgrading VTK or pyvista:
#     xvfb-run -a packaging/pyinstaller/vtk_modules.sh [.venv]
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
root="$(cd "$here/../.." && pwd)"
venv="$(cd "${1:-$root/.venv}" && pwd)"
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT
sample="$root/resources/samples/hook.stl"
mkdir "$work/parts" && cp "$sample" "$root/resources/samples/wheel.stl" "$work/parts/"
export LD_DEBUG=files LD_DEBUG_OUTPUT="$work/ld"
"$venv/bin/pointcam-gui" "$sample" --screenshot "$work/gui.png" >/dev/null 2>&1
"$venv/bin/pointcam" explain "$sample" --screenshot "$work/cli.png" --json >/dev/null
"$venv/bin/pointcam" batch "$work/parts" --out "$work/rows.jsonl" --report "$work/r.html" \
    --workers 1 >/dev/null 2>&1
unset LD_DEBUG LD_DEBUG_OUTPUT
{
  echo "# VTK libraries PointCAM loads at run time (written by vtk_modules.sh; VTK $("$venv/bin/python" -c 'import vtkmodules; print(vtkmodules.__version__)'))"
  cat "$work"/ld.* | grep -o 'vtkmodules/[^ ]*\.so' | sed 's#.*/##; s#^lib##; s#\..*##' | sort -u
} > "$here/vtk_modules.txt"
echo "$(grep -vc '^#' "$here/vtk_modules.txt") VTK modules listed in $here/vtk_modules.txt"
