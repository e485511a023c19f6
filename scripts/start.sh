#!/usr/bin/env bash
# `npm start`: the platform on embedded defaults — a Temporal dev server (state and Web UI under .stint/), the webapp
# (REST API on http://127.0.0.1:3030, embedded PostgreSQL under .stint/), and the example project in
# examples/hello-world as a `stint dev` session of the webapp. Runs until Ctrl-C.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh
# exec, and node with tsx's loader in-process (no npx, no tsx CLI wrapper): one process less each, ~50 MB each.
cd dashboard && exec node --import tsx src/cli/start-platform.ts "$@"
