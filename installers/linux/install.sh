#!/bin/sh
# Installs Paalwerk for the current user (no root): the program in ~/.local/opt/paalwerk,
# the command in ~/.local/bin, the menu entry and icon in ~/.local/share.
# Run it from the unpacked archive: ./install.sh   (./install.sh --uninstall removes it)
set -eu
here=$(cd "$(dirname "$0")" && pwd)
prefix="${XDG_DATA_HOME:-$HOME/.local/share}"
opt="$HOME/.local/opt/paalwerk"
bin="$HOME/.local/bin"
if [ "${1:-}" = "--uninstall" ]; then
  rm -rf "$opt" "$bin/paalwerk" "$prefix/applications/paalwerk.desktop" \
    "$prefix/icons/hicolor/256x256/apps/paalwerk.png"
  echo "Paalwerk removed."
  exit 0
fi
mkdir -p "$HOME/.local/opt" "$bin" "$prefix/applications" "$prefix/icons/hicolor/256x256/apps"
rm -rf "$opt"
cp -a "$here/paalwerk" "$opt"
ln -sf "$opt/paalwerk" "$bin/paalwerk"
sed "s|^Exec=paalwerk|Exec=$opt/paalwerk|" "$here/paalwerk.desktop" \
  > "$prefix/applications/paalwerk.desktop"
cp "$here/paalwerk.png" "$prefix/icons/hicolor/256x256/apps/paalwerk.png"
command -v update-desktop-database >/dev/null 2>&1 && update-desktop-database -q "$prefix/applications" || true
echo "Paalwerk installed in $opt; start it from the menu or with: $bin/paalwerk"
echo "Check it works here: $bin/paalwerk --self-test"
