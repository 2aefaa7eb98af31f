#!/usr/bin/env bash
# The programs the test suite drives besides Node: tmux (chat on a real terminal), script (a
# pseudo-terminal), jq and bash (the README's recipes), unshare (private network and mount
# namespaces), djpeg and dwebp (a second decoder for the emulator's JPEG and WebP images).
# Installs what is missing from Debian's packages when run as root; otherwise says what to install.
set -euo pipefail
declare -A package=([tmux]=tmux [script]=bsdutils [jq]=jq [bash]=bash [unshare]=util-linux [djpeg]=libjpeg-turbo-progs [dwebp]=webp)
missing=()
for tool in "${!package[@]}"; do command -v "$tool" >/dev/null 2>&1 || missing+=("${package[$tool]}"); done
[ ${#missing[@]} -eq 0 ] && exit 0
if [ "$(id -u)" -eq 0 ] && command -v apt-get >/dev/null 2>&1; then
  echo "installing test tools: ${missing[*]}"
  apt-get update -qq
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
else
  echo "the test suite needs: ${missing[*]} (Debian packages); install them with: sudo apt-get install ${missing[*]}" >&2
  exit 1
fi
