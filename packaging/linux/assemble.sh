#!/usr/bin/env bash
# Put the desktop files into a bundle folder: share/ (menu entry, AppStream metainfo, file types,
# hicolor icons) and install.sh. build.sh runs it; the tests run it on a stand-in bundle.
#     packaging/linux/assemble.sh BUNDLE ICONS     (ICONS: what packaging/icons.py wrote)
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
bundle="$1"
icons="$2"
app_id=org.pointcam.PointCAM
mkdir -p "$bundle/share/applications" "$bundle/share/metainfo" "$bundle/share/mime/packages"
cp "$here/$app_id.desktop" "$bundle/share/applications/"
cp "$here/$app_id.metainfo.xml" "$bundle/share/metainfo/"
cp "$here/$app_id.mime.xml" "$bundle/share/mime/packages/$app_id.xml"
rm -rf "$bundle/share/icons" && mkdir -p "$bundle/share/icons"
cp -r "$icons/hicolor" "$bundle/share/icons/"
cp "$here/install.sh" "$bundle/install.sh"
