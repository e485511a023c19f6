#!/usr/bin/env bash
# `npm run lint`: the house rules (docs/architecture.md, "Where things live").
#  - Biome (biome.jsonc): no import cycles.
#  - ESLint (eslint.config.mjs): each folder imports only what the map allows (no deep imports into @temporalio/* or
#    another workspace package, no workflows/ from clients, activities or the webapp), and no floating promises
#    (type-aware, so it needs the generated Prisma Client: run after scripts/setup.sh).
# With paths, checks only those, e.g. a branch's changes: `bash scripts/lint.sh $(git diff --name-only --diff-filter=d
# main...)`; the whole tree takes a couple of minutes of CPU, nearly all of it ESLint's type checker.
set -euo pipefail
cd "$(dirname "$0")/.."
export PATH="$PWD/node_modules/.bin:$PATH"

# "lint" checks the rules only; scripts/format-tree.sh switches this to "check" (rules + formatting) once the whole
# tree has been formatted.
BIOME_COMMAND=check

paths=("$@")
[ ${#paths[@]} -gt 0 ] || paths=(.)

status=0
echo "[lint] biome $BIOME_COMMAND"
biome "$BIOME_COMMAND" --no-errors-on-unmatched "${paths[@]}" || status=1
echo "[lint] eslint"
eslint --max-warnings=0 --no-warn-ignored "${paths[@]}" || status=1
exit $status
