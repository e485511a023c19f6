#!/usr/bin/env bash
# `npm run typecheck`: tsc over every workspace package (each package's `typecheck` script), the Next.js dashboard UI
# (dashboard/ui, checked by the dashboard's script) and the example project included. Run after scripts/setup.sh:
# the webapp's types need the generated Prisma Client.
set -euo pipefail
cd "$(dirname "$0")/.."
pnpm="$(node -p 'require("./package.json").packageManager')"
npx -y "$pnpm" -r --reporter=append-only typecheck
