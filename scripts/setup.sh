#!/usr/bin/env bash
# Prepare a new machine: OS packages (Mosquitto, Japanese fonts, Open JTalk, Chromium),
# the Python environment in .venv, and this package. Safe to run again.
set -euo pipefail
cd "$(dirname "$0")/.."

APT_PACKAGES=(mosquitto mosquitto-clients fonts-noto-cjk open-jtalk open-jtalk-mecab-naist-jdic
              chromium xvfb sox libgl1-mesa-dri libegl1 libgles2 libmtdev1 zbar-tools systemd
              libusb-1.0-0 espeak-ng alsa-utils cmake g++ fonts-dejavu-core)
missing=()
for p in "${APT_PACKAGES[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
if [ ${#missing[@]} -gt 0 ]; then
  echo "Installing OS packages: ${missing[*]}"
  SUDO=""; [ "$(id -u)" -eq 0 ] || SUDO="sudo"
  $SUDO apt-get update -q
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -q --no-install-recommends "${missing[@]}"
fi

# The packaged Mosquitto service is not needed: the demo and tests start their own.
if command -v systemctl >/dev/null && systemctl is-active --quiet mosquitto 2>/dev/null; then
  echo "Note: a system Mosquitto is running on port 1883; the demo uses its own port."
fi

PY=${PYTHON:-python3}
[ -x .venv/bin/python ] || "$PY" -m venv .venv
.venv/bin/python -m pip install -q --upgrade pip
.venv/bin/python -m pip install -q -e ".[test]"
echo "Setup complete."
