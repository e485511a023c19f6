#!/usr/bin/env bash
# `npm start`: the platform on embedded defaults — a Temporal dev server (state and Web UI under .stint/), the webapp
# (REST API on http://127.0.0.1:3030, embedded PostgreSQL under .stint/), and the example project in
# examples/hello-world as a `stint dev` session of the webapp. Runs until Ctrl-C.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh
# The webapp and the CLI run as JavaScript bundled from their sources (rebuilt when a source changed), not through
# tsx: its loader thread costs each process ~35 MB idle (docs/performance.md). Source maps keep stack traces on the
# TypeScript sources.
bundles=$(node scripts/bundle-entry.mjs dashboard/src/cli/start-platform.ts start-platform cli/src/main.ts stint)
platform=$(sed -n 1p <<<"$bundles")
export STINT_CLI_BUNDLE=$(sed -n 2p <<<"$bundles")
# glibc's malloc gives each thread that allocates an arena of its own (Temporal's Rust threads, the workflow thread):
# two arenas for the whole process measured ~30 MB less idle RSS for the webapp (docs/performance.md).
export MALLOC_ARENA_MAX="${MALLOC_ARENA_MAX:-2}"
# exec: node is npm's child, no wrapper process in between.
# A young generation of at most 4 MB per semi-space (V8's default grows to 16 MB and keeps it after the start's burst):
# about 80 MB less idle RSS for this process (docs/performance.md); the example session gets the same flags.
cd dashboard && exec node --enable-source-maps --max-semi-space-size=4 "$platform" "$@"
