#!/usr/bin/env bash
# Install Ringside for the current user (no root): the one-folder bundle, the `ringside` command,
# the menu entry, the icons, and Ringside as the handler of tel:, callto: and sip: links.
#
#   install.sh [--bundle DIR] [--prefix DIR] [--autostart] [--uninstall]
#
#   --bundle DIR  the built bundle (the folder holding the `ringside` executable). Default: the
#                 folder this script is in when it sits in a bundle, else dist/ringside of the checkout.
#   --prefix DIR  where the bundle and command go (default ~/.local: ~/.local/lib/ringside and
#                 ~/.local/bin/ringside).
#   --autostart   also start Ringside at login (the same entry as Settings → Start at login).
#   --uninstall   remove everything this script installs.
#
# Desktop tools (update-desktop-database, xdg-mime) are used when present; without them the
# script says what it skipped and what to do instead.
set -euo pipefail

here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
prefix="$HOME/.local"
bundle=""
autostart=0
uninstall=0
while [ $# -gt 0 ]; do
  case "$1" in
    --bundle) bundle="${2:?--bundle needs a folder}"; shift 2 ;;
    --prefix) prefix="${2:?--prefix needs a folder}"; shift 2 ;;
    --autostart) autostart=1; shift ;;
    --uninstall) uninstall=1; shift ;;
    -h|--help) sed -n '2,15p' "$0" | sed 's/^# \{0,1\}//'; exit 0 ;;
    *) echo "install.sh: unknown option '$1' (try --help)" >&2; exit 2 ;;
  esac
done

data_home="${XDG_DATA_HOME:-$HOME/.local/share}"
config_home="${XDG_CONFIG_HOME:-$HOME/.config}"
app_dir="$prefix/lib/ringside"
bin_link="$prefix/bin/ringside"
apps="$data_home/applications"
icons="$data_home/icons/hicolor"
desktop_file="$apps/ringside.desktop"
autostart_file="$config_home/autostart/ringside.desktop"
schemes="x-scheme-handler/tel x-scheme-handler/callto x-scheme-handler/sip"

note() { echo "install.sh: $*"; }
have() { command -v "$1" >/dev/null 2>&1; }

refresh_menus() {
  if have update-desktop-database; then
    update-desktop-database -q "$apps" || note "update-desktop-database failed; the menu may update at next login"
  else
    note "update-desktop-database not found (package desktop-file-utils): the menu updates at next login"
  fi
}

if [ "$uninstall" = 1 ]; then
  rm -f "$desktop_file" "$autostart_file"
  rm -f "$icons/scalable/apps/ringside.svg" "$icons/16x16/apps/ringside.svg" "$icons/22x22/apps/ringside.svg"
  if [ -L "$bin_link" ] && [ "$(readlink "$bin_link")" = "$app_dir/ringside" ]; then rm -f "$bin_link"; fi
  rm -rf "$app_dir"
  [ -d "$apps" ] && refresh_menus
  note "removed Ringside (your settings, history and keyring entries are kept)"
  exit 0
fi

if [ -z "$bundle" ]; then
  if [ -x "$here/ringside" ]; then bundle="$here"; else bundle="$here/../../dist/ringside"; fi
fi
if [ ! -x "$bundle/ringside" ]; then
  echo "install.sh: no Ringside bundle at $bundle (build one with 'pyinstaller build.spec', or pass --bundle DIR)" >&2
  exit 1
fi
bundle="$(cd "$bundle" && pwd)"

# The bundle's files, and the desktop entries shipped beside this script.
icon_src="$bundle/_internal/resources/icons"
[ -d "$icon_src" ] || icon_src="$here/../../resources/icons"
for needed in "$here/ringside.desktop" "$here/ringside-autostart.desktop" "$icon_src/ringside.svg"; do
  [ -f "$needed" ] || { echo "install.sh: $needed is missing" >&2; exit 1; }
done

# 1. The bundle and the command.
mkdir -p "$prefix/lib" "$prefix/bin"
if [ "$bundle" != "$app_dir" ]; then
  rm -rf "$app_dir.new"
  cp -a "$bundle" "$app_dir.new"
  rm -rf "$app_dir"
  mv "$app_dir.new" "$app_dir"
fi
ln -sfn "$app_dir/ringside" "$bin_link"

# 2. Menu entry and link handler: Exec points at the installed executable, so it works whether or
#    not ~/.local/bin is on the desktop session's PATH.
exec_path="$app_dir/ringside"
# Desktop Entry quoting: "…" with \ before " ` $ \, then every backslash doubled (the string
# escape) and % doubled (a lone % is a field code).
quoted="\"$(printf '%s' "$exec_path" | sed -e 's/[\\"`$]/\\&/g' -e 's/\\/\\\\/g' -e 's/%/%%/g')\""
entry() {  # entry SOURCE TARGET
  mkdir -p "$(dirname "$2")"
  sed -e "s|^Exec=ringside|Exec=$(printf '%s' "$quoted" | sed 's/[|&\\]/\\&/g')|" \
      -e "s|^TryExec=ringside$|TryExec=$(printf '%s' "$exec_path" | sed 's/[|&\\]/\\&/g')|" "$1" > "$2.tmp"
  mv "$2.tmp" "$2"
}
entry "$here/ringside.desktop" "$desktop_file"

# 3. Icons: the scalable drawing, and the ones drawn for 16 and 22 pixels.
install -D -m 644 "$icon_src/ringside.svg" "$icons/scalable/apps/ringside.svg"
install -D -m 644 "$icon_src/ringside-16.svg" "$icons/16x16/apps/ringside.svg"
install -D -m 644 "$icon_src/ringside-22.svg" "$icons/22x22/apps/ringside.svg"
touch "$icons"  # icon caches notice a changed folder

refresh_menus

# 4. tel:, callto: and sip: links open Ringside.
if have xdg-mime; then
  # shellcheck disable=SC2086  # one word per scheme
  if xdg-mime default ringside.desktop $schemes; then
    note "Ringside now opens tel:, callto: and sip: links"
  else
    note "xdg-mime could not set Ringside for phone links; choose it in your desktop's default-applications settings"
  fi
else
  note "xdg-mime not found (package xdg-utils): choose Ringside for tel: links in your desktop's default-applications settings"
fi

# 5. Start at login, if asked.
if [ "$autostart" = 1 ]; then
  entry "$here/ringside-autostart.desktop" "$autostart_file"
  note "Ringside will start at login ($autostart_file)"
fi

note "installed Ringside in $app_dir; run it from the menu or as $bin_link"
case ":$PATH:" in
  *":$prefix/bin:"*) ;;
  *) note "$prefix/bin is not on your PATH: add it to use the 'ringside' command in a terminal" ;;
esac
