#!/usr/bin/env bash
# Set up (if needed) and start the whole system on its embedded defaults: Mosquitto,
# the queue service with its web pages, and simulated issuers, counters and a call board.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh
exec .venv/bin/python -m demo "$@"
