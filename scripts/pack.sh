#!/usr/bin/env bash
# `npm run pack [-- DIR]`: builds @stint/sdk and @stint/cli (JavaScript + type declarations in their dist/) and writes
# their tarballs to DIR (default: packs/ in this checkout). In your project: `npm install -D DIR/*.tgz`, then `npx stint dev`.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh >/dev/null
out=$(realpath -m "${1:-packs}")
mkdir -p "$out"
for pkg in sdk cli; do
  # pnpm, not npm: it turns workspace:* into versions and applies publishConfig (dist/ entry points).
  (cd "$pkg" && npx -y pnpm@10.34.8 pack --pack-destination "$out" >/dev/null)
done
echo "Packed into $out:"
ls -1 "$out"/stint-*.tgz
echo "Install in your project: npm install -D $out/stint-sdk-*.tgz $out/stint-cli-*.tgz"
