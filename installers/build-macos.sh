#!/usr/bin/env bash
# Builds the macOS program: dist/Paalwerk.app and dist/paalwerk-<version>-macos-<arch>.dmg
# (the .app beside a link to /Applications). Needs Python 3.11-3.13 (python.org or
# Homebrew) and the Xcode command-line tools (hdiutil, codesign). Build on the oldest
# macOS you support, once per architecture (arm64, x86_64). See installers/README.md.
#
#   installers/build-macos.sh
#   PAALWERK_SIGN_IDENTITY="Developer ID Application: … (TEAMID)" installers/build-macos.sh
set -euo pipefail
cd "$(dirname "$0")/.."
started=$(date +%s)
venv="${PAALWERK_BUILD_VENV:-build/venv-installer}"
[ -x "$venv/bin/python" ] || "${PYTHON:-python3}" -m venv "$venv"
"$venv/bin/pip" install -q -e '.[build]'
version=$("$venv/bin/python" -c 'import tomllib; print(tomllib.load(open("pyproject.toml", "rb"))["project"]["version"])')
arch=$(uname -m)

"$venv/bin/pyinstaller" --noconfirm --clean --log-level WARN \
  --distpath dist --workpath build/pyinstaller installers/paalwerk.spec

# The bundle checks itself before it is packed: demo, serial, service, BLE.
dist/Paalwerk.app/Contents/MacOS/paalwerk --self-test

if [ -n "${PAALWERK_SIGN_IDENTITY:-}" ]; then
  codesign --force --deep --options runtime --timestamp \
    --entitlements installers/macos/entitlements.plist \
    --sign "$PAALWERK_SIGN_IDENTITY" dist/Paalwerk.app
fi

stage=build/dmg && rm -rf "$stage" && mkdir -p "$stage"
cp -R dist/Paalwerk.app "$stage/"
ln -s /Applications "$stage/Applications"
dmg="dist/paalwerk-$version-macos-$arch.dmg"
rm -f "$dmg"
hdiutil create -volname "Paalwerk $version" -srcfolder "$stage" -fs HFS+ -format UDZO "$dmg"

if [ -n "${PAALWERK_SIGN_IDENTITY:-}" ]; then
  codesign --sign "$PAALWERK_SIGN_IDENTITY" --timestamp "$dmg"
  if [ -n "${PAALWERK_NOTARY_PROFILE:-}" ]; then  # xcrun notarytool store-credentials NAME
    xcrun notarytool submit "$dmg" --keychain-profile "$PAALWERK_NOTARY_PROFILE" --wait
    xcrun stapler staple "$dmg"
  fi
fi
echo "built dist/Paalwerk.app and $dmg in $(( $(date +%s) - started )) s"
