#!/usr/bin/env bash
# Install PointCAM into ./.venv (CPU build of torch). `./install.sh --test` adds the test extras.
# GPU users: see "GPU install" in README.md.
set -euo pipefail
cd "$(dirname "$0")"

extras=""
[ "${1:-}" = "--test" ] && extras="[test]"

bash scripts/system-deps.sh
python="${PYTHON:-python3}"
[ -x .venv/bin/python ] || "$python" -m venv .venv
.venv/bin/python -m pip install --quiet --upgrade pip
.venv/bin/python -m pip install --quiet -c constraints-cpu.txt -e ".${extras}"
echo "PointCAM installed in $(pwd)/.venv"
