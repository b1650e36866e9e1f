#!/usr/bin/env bash
# Build the desktop bundle and prove it runs: the frozen window opens the hook sample and saves a
# screenshot under Xvfb, the frozen CLI explains it (called through a link, as ~/.local/bin has
# it) and analyses a folder with worker processes; the class and the heat colours are checked.
#     packaging/smoke.sh [--no-build]
set -euo pipefail
cd "$(dirname "$0")/.."
[ "${1:-}" = "--no-build" ] || packaging/build.sh
root="$(pwd)"
bundle="$root/dist/PointCAM"
hook="$(pwd)/resources/samples/hook.stl"
out="$(mktemp -d)"
trap 'rm -rf "$out"' EXIT
cd "$out"  # nothing from the source tree on the path
ln -s "$bundle/pointcam" "$out/pointcam"

xvfb-run -a "$bundle/pointcam-gui" "$hook" --screenshot window.png
./pointcam explain "$hook" --json --screenshot cli.png > explain.json
mkdir parts && cp "$(dirname "$hook")"/{hook,wheel,clamp,hexagonal_nut}.stl parts/
printf 'solid broken\nnot an stl\n' > parts/broken.stl
./pointcam batch parts --out rows.jsonl --workers 2 > /dev/null

"${PYTHON:-$root/.venv/bin/python}" - <<'PY'
import json
import numpy as np
from PIL import Image

verdict = json.load(open("explain.json"))
assert verdict["predicted"]["name"] == "Hook", verdict["predicted"]
rows = {r["file"].rsplit("/", 1)[-1]: r for r in map(json.loads, open("rows.jsonl"))}
assert len(rows) == 5, sorted(rows)
assert rows["broken.stl"]["error"], "a bad file is a row with its reason"
assert all(r["error"] is None for name, r in rows.items() if name != "broken.stl"), rows
assert rows["hook.stl"]["predicted"]["name"] == "Hook"
for picture in ("window.png", "cli.png"):
    rgb = np.asarray(Image.open(picture).convert("RGB")).astype(int)
    r, g, b = rgb[..., 0], rgb[..., 1], rgb[..., 2]
    red = np.mean((r > 180) & (g < 90) & (b < 90))
    blue = np.mean((b > 120) & (r < 60) & (g < 80))
    assert red > 1e-4 and blue > 1e-3, (picture, red, blue)
    print(f"smoke: {picture}: {rgb.shape[1]}x{rgb.shape[0]}, heat red {red:.2%}, blue {blue:.2%}")
print("smoke: the frozen window and CLI name the hook, paint its heat and run a batch")
PY
