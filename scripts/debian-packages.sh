#!/usr/bin/env bash
# The Debian packages the kiosk and its tests need: Chromium for the browser tests, zbarimg to read
# the QR codes, pdftoppm for craft-sheet PDFs, Noto fonts for Arabic and Turkish text, datefudge to
# run the suite on another date, LibreOffice Calc to open the XLSX downloads as the office does.
# `make test` and `.ci/run` call this before any test starts: it installs what is missing when it
# may (root, or sudo without a password), else stops with the command to run.
#   scripts/debian-packages.sh                  everything the tests need
#   scripts/debian-packages.sh --warn PKG...    only PKG, and only a warning if it cannot (make run)
set -euo pipefail

on_failure=1
if [ "${1:-}" = "--warn" ]; then on_failure=0; shift; fi
PACKAGES=("$@")
[ ${#PACKAGES[@]} -gt 0 ] || PACKAGES=(chromium zbar-tools poppler-utils fonts-noto-core fonts-dejavu-core datefudge
  libreoffice-calc-nogui)
missing=()
for package in "${PACKAGES[@]}"; do
  dpkg-query -W -f='${Status}' "$package" 2>/dev/null | grep -q "install ok installed" || missing+=("$package")
done
[ ${#missing[@]} -eq 0 ] && exit 0

if ! command -v apt-get >/dev/null; then
  echo "Needed: these Debian/Ubuntu packages (or your system's equivalent): ${missing[*]}" >&2
  exit $on_failure
fi
if [ "$(id -u)" -eq 0 ]; then
  as_root=()
elif sudo -n true 2>/dev/null; then
  as_root=(sudo -n)
else
  echo "Debian packages that are not installed: ${missing[*]}. Install them once, then run make again:" >&2
  echo "  sudo apt-get update && sudo apt-get install -y --no-install-recommends ${missing[*]}" >&2
  exit $on_failure
fi
echo "Installing Debian packages: ${missing[*]}"
export DEBIAN_FRONTEND=noninteractive
"${as_root[@]}" apt-get update -qq
"${as_root[@]}" apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
