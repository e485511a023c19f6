#!/usr/bin/env bash
# `npm run bench -- [flags]`: installs what is missing, then prints raw Temporal vs Stint figures.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh
cd bench && exec npx tsx trigger-latency.ts "$@"
