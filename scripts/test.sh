#!/usr/bin/env bash
# Set up (if needed) and run the whole test suite against real Mosquitto, SQLite,
# offscreen Kivy and headless Chromium.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh
export KIVY_NO_ARGS=1 KIVY_LOG_MODE=PYTHON KIVY_NO_CONSOLELOG=1
exec .venv/bin/python -m pytest -q "$@"
