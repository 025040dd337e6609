#!/usr/bin/env bash
# Builds the Linux program: dist/paalwerk/ (the one-folder bundle) and
# dist/paalwerk-<version>-linux-<arch>.tar.gz (bundle + .desktop + icon + install.sh).
# Needs Python 3.11-3.13 with venv, and binutils (objdump) — PyInstaller reads the
# libraries' dependencies with it. See installers/README.md.
#
#   installers/build-linux.sh            # venv in build/venv-installer, output in dist/
#   PAALWERK_BUILD_VENV=/tmp/bld installers/build-linux.sh
set -euo pipefail
cd "$(dirname "$0")/.."
started=$(date +%s)
venv="${PAALWERK_BUILD_VENV:-build/venv-installer}"
python="${PYTHON:-python3}"
[ -x "$venv/bin/python" ] || "$python" -m venv "$venv"
"$venv/bin/pip" install -q -e '.[build]'
version=$("$venv/bin/python" -c 'import tomllib; print(tomllib.load(open("pyproject.toml", "rb"))["project"]["version"])')
arch=$(uname -m)

"$venv/bin/pyinstaller" --noconfirm --clean --log-level WARN \
  --distpath dist --workpath build/pyinstaller installers/paalwerk.spec

stage="build/package/paalwerk-$version"
rm -rf build/package && mkdir -p "$stage"
cp -a dist/paalwerk "$stage/paalwerk"
cp installers/linux/paalwerk.desktop installers/linux/install.sh "$stage/"
cp build/pyinstaller/paalwerk/icons/paalwerk.png "$stage/paalwerk.png"
archive="dist/paalwerk-$version-linux-$arch.tar.gz"
tar -C build/package -czf "$archive" "paalwerk-$version"
echo "built dist/paalwerk ($(du -sh dist/paalwerk | cut -f1)) and $archive ($(du -sh "$archive" | cut -f1)) in $(( $(date +%s) - started )) s"
