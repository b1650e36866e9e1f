#!/usr/bin/env bash
# Debian/Ubuntu system libraries that Qt (xcb) and off-screen rendering need, plus Xvfb for the
# tests and for screenshots on machines without a display, and what the desktop bundle's build
# and checks use (binutils' strip; the freedesktop validators and cache tools).
# Idempotent: installs only what is missing.
set -euo pipefail

packages=(
  libxcb-icccm4 libxcb-keysyms1 libxcb-image0 libxcb-render-util0 libxcb-shape0
  libxcb-xinerama0 libxcb-randr0 libxcb-xkb1 libxkbcommon-x11-0 libxcb-cursor0
  libgl1 libegl1 libglib2.0-0 libfontconfig1 libdbus-1-3 xvfb xauth
  binutils desktop-file-utils appstream shared-mime-info
)

if ! command -v dpkg-query >/dev/null 2>&1; then
  echo "system-deps: not a Debian-like system; install Qt's xcb libraries and Xvfb yourself" >&2
  exit 0
fi

missing=()
for p in "${packages[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
[ ${#missing[@]} -eq 0 ] && exit 0

sudo=""
if [ "$(id -u)" -ne 0 ]; then
  command -v sudo >/dev/null 2>&1 || { echo "system-deps: need root to install: ${missing[*]}" >&2; exit 1; }
  sudo="sudo"
fi
echo "system-deps: installing ${missing[*]}"
$sudo apt-get update -qq
DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
