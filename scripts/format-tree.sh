#!/usr/bin/env bash
# One-off, run once on an up-to-date main when no branch is about to land: formats the whole tree in the house style
# (biome.jsonc) and turns the format check on, so that `npm test` (scripts/lint.sh) fails on unformatted code from
# then on, and adds `npm run format`. Commit the result alone, then list that commit in .git-blame-ignore-revs so that
# `git blame` skips it. A branch opened before it: rebase onto the commit before it, run `npx biome format --write .`
# and commit; rebasing onto the format commit then conflicts only on lines the branch changed, where its side is right.
set -euo pipefail
cd "$(dirname "$0")/.."
export PATH="$PWD/node_modules/.bin:$PATH"

# Twice: Biome 2.6 settles a few long member chains only on the second pass.
biome format --write .
biome format --write .
sed -i 's/^BIOME_COMMAND=lint$/BIOME_COMMAND=check/' scripts/lint.sh
npm pkg set scripts.format="biome format --write ."
biome check .
echo "[format-tree] formatted; now: git commit -am 'Format the tree with Biome (no code change)' && git rev-parse HEAD >> .git-blame-ignore-revs"
