#!/usr/bin/env bash
# Add PointCAM to your desktop (no root): the application menu entry, its icons, the part file
# types (STL, OBJ, PLY, OFF, 3MF, glTF, STEP) and `pointcam` / `pointcam-gui` in ~/.local/bin.
# Run it from the unpacked bundle; it links the bundle where it lies (move it? run this again).
#     ./install.sh               install for this user
#     ./install.sh --uninstall   remove what install.sh added (the bundle itself stays)
set -euo pipefail

app_id="org.pointcam.PointCAM"
bundle="$(cd "$(dirname "$0")" && pwd)"
data="${XDG_DATA_HOME:-$HOME/.local/share}"
bin="${POINTCAM_BIN_DIR:-$HOME/.local/bin}"
sizes="16 24 32 48 64 128 256 512"

say() { echo "pointcam install: $*"; }
refresh() {  # the desktop's caches, where their tools are installed
  command -v update-desktop-database >/dev/null && update-desktop-database -q "$data/applications" || true
  command -v update-mime-database >/dev/null && update-mime-database "$data/mime" >/dev/null || true
  if command -v gtk-update-icon-cache >/dev/null && [ -f "$data/icons/hicolor/index.theme" ]; then
    gtk-update-icon-cache -q -t -f "$data/icons/hicolor" || true
  fi
}

if [ "${1:-}" = "--uninstall" ]; then
  rm -f "$data/applications/$app_id.desktop" "$data/metainfo/$app_id.metainfo.xml" \
        "$data/mime/packages/$app_id.xml" "$data/icons/hicolor/scalable/apps/$app_id.svg"
  for n in $sizes; do rm -f "$data/icons/hicolor/${n}x${n}/apps/$app_id.png"; done
  for program in pointcam pointcam-gui; do
    # only our own links: never a pointcam installed some other way
    if [ -L "$bin/$program" ] && [ "$(readlink "$bin/$program")" = "$bundle/$program" ]; then
      rm -f "$bin/$program"
    fi
  done
  refresh
  say "removed from the desktop (the bundle in $bundle is untouched)"
  exit 0
elif [ $# -gt 0 ]; then
  echo "usage: $0 [--uninstall]" >&2
  exit 2
fi

if [ ! -x "$bundle/pointcam-gui" ] || [ ! -d "$bundle/share/applications" ]; then
  echo "pointcam install: run this from the unpacked PointCAM bundle (packaging/build.sh makes it)" >&2
  exit 1
fi
mkdir -p "$data/applications" "$data/metainfo" "$data/mime/packages" "$bin"
# The menu entry runs the bundle by its full path: ~/.local/bin is not on every session's PATH.
sed -e "s|^Exec=pointcam-gui|Exec=\"$bundle/pointcam-gui\"|" \
    -e "s|^TryExec=pointcam-gui|TryExec=$bundle/pointcam-gui|" \
    "$bundle/share/applications/$app_id.desktop" > "$data/applications/$app_id.desktop"
cp "$bundle/share/metainfo/$app_id.metainfo.xml" "$data/metainfo/"
cp "$bundle/share/mime/packages/$app_id.xml" "$data/mime/packages/"
for n in $sizes scalable; do
  dir="${n}x${n}"; [ "$n" = scalable ] && dir=scalable
  ext=png; [ "$n" = scalable ] && ext=svg
  mkdir -p "$data/icons/hicolor/$dir/apps"
  cp "$bundle/share/icons/hicolor/$dir/apps/$app_id.$ext" "$data/icons/hicolor/$dir/apps/"
done
for program in pointcam pointcam-gui; do ln -sfn "$bundle/$program" "$bin/$program"; done
refresh
say "PointCAM is in the application menu; part files open with it; $bin has pointcam and pointcam-gui"
