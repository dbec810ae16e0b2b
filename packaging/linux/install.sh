#!/usr/bin/env bash
# Install the built desktop app for the current user (or system-wide with PREFIX=/usr/local
# and root): the folder, a `workstation` command, the menu entry and the icons.
#
#   bash packaging/linux/install.sh [DIST_FOLDER]       default dist/workstation
#   PREFIX=/usr/local sudo -E bash packaging/linux/install.sh
#   bash packaging/linux/install.sh --uninstall
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
root="$(cd "$here/../.." && pwd)"
PREFIX=${PREFIX:-$HOME/.local}
app_dir="$PREFIX/lib/collector-workstation"
desktop="$PREFIX/share/applications/collector-workstation.desktop"
icons="$PREFIX/share/icons/hicolor"

if [ "${1:-}" = "--uninstall" ]; then
  rm -rf "$app_dir" "$PREFIX/bin/workstation" "$desktop"
  find "$icons" -name collector-workstation.png -o -name collector-workstation.svg 2>/dev/null | xargs -r rm -f
  echo "removed Collector Workstation from $PREFIX"
  exit 0
fi

dist="${1:-$root/dist/workstation}"
[ -x "$dist/workstation" ] || { echo "no built app in $dist (run packaging/build.sh)" >&2; exit 1; }

rm -rf "$app_dir"
mkdir -p "$app_dir" "$PREFIX/bin" "$(dirname "$desktop")"
cp -a "$dist/." "$app_dir/"
ln -sfn "$app_dir/workstation" "$PREFIX/bin/workstation"
for size in 16 24 32 48 64 128 256 512; do
  install -Dm644 "$root/resources/icons/app-$size.png" "$icons/${size}x${size}/apps/collector-workstation.png"
done
install -Dm644 "$root/resources/icons/app.svg" "$icons/scalable/apps/collector-workstation.svg"
sed "s|^Exec=workstation|Exec=$app_dir/workstation|; s|^TryExec=workstation|TryExec=$app_dir/workstation|" \
  "$here/collector-workstation.desktop" > "$desktop"
command -v update-desktop-database >/dev/null && update-desktop-database -q "$(dirname "$desktop")" || true
command -v gtk-update-icon-cache >/dev/null && gtk-update-icon-cache -q -t "$icons" 2>/dev/null || true
echo "installed to $app_dir; menu entry $desktop; command $PREFIX/bin/workstation"
