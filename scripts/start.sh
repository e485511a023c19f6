#!/usr/bin/env bash
# `npm start`: the platform on embedded defaults — a Temporal dev server (state in .stint/, Web UI on), the engine
# worker, and the example project in examples/hello-world under `stint dev`. Runs until Ctrl-C.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh
exec node sdk/cli/bin/stint.mjs dev \
  --cwd examples/hello-world \
  --state-dir "$PWD/.stint" \
  --trigger onboarding \
  --payload '{"name":"Ada","email":"ada@example.com"}' \
  "$@"
