#!/usr/bin/env bash
# CI (issue 23): build the wheel, install it into a fresh virtual environment as a clerk's
# `pipx install` would, and walk the README's tour with that installed `driverparty`
# (scripts/readme_tour.py), so a packaging mistake — a template, schema.json or dependency
# missing from the wheel — fails here and not on a county's laptop.
# Usage: scripts/wheel_tour.sh [PYTHON]   (default python3)
set -euo pipefail
here="$(cd "$(dirname "$0")/.." && pwd)"
python="${1:-python3}"
case "$python" in */*) python="$(cd "$(dirname "$python")" && pwd)/$(basename "$python")" ;; esac
work="$(mktemp -d "${TMPDIR:-/tmp}/driverparty-wheel.XXXXXX")"
trap 'rm -rf "$work"' EXIT

echo "wheel-tour: building the wheel"
"$python" -m build --wheel --outdir "$work/dist" "$here" >"$work/build.log" 2>&1 \
  || { cat "$work/build.log"; exit 1; }
rm -rf "$here/build"
wheel="$(ls "$work"/dist/driverparty-*.whl)"
echo "wheel-tour: installing $(basename "$wheel") into a fresh environment"
"$python" -m venv "$work/venv"
"$work/venv/bin/python" -m pip install -q "$wheel" 2>&1 | { grep -v "^WARNING: Location" || true; }
installed="$(cd "$work" && "$work/venv/bin/python" -c 'import driverparty; print(driverparty.__file__)')"
case "$installed" in
  "$work/venv/"*) ;;
  *) echo "wheel-tour: driverparty imported from $installed, not from the wheel"; exit 1 ;;
esac
echo "wheel-tour: the README's tour with $work/venv/bin/driverparty"
cd "$work"
PATH="$work/venv/bin:$PATH" "$python" "$here/scripts/readme_tour.py"
