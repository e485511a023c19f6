#!/usr/bin/env bash
# `npm test`: installs what is missing, then runs every package's tests against real services.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh
export NODE_OPTIONS="${NODE_OPTIONS:-} --max-old-space-size=4096"
status=0
results=()
for pkg in sdk sdk/cli object-store temporal-workers dashboard supervisor; do
  if [ -f "$pkg/vitest.config.ts" ]; then
    echo "=== $pkg"
    report="$(mktemp)"
    if (cd "$pkg" && npx vitest run --reporter=default --reporter=json --outputFile.json="$report"); then :; else status=1; fi
    results+=("$report")
  fi
done
# One plain closing line over all packages.
node -e '
  let passed = 0, failed = 0, skipped = 0;
  for (const file of process.argv.slice(1)) {
    try { const r = JSON.parse(require("fs").readFileSync(file, "utf8")); passed += r.numPassedTests; failed += r.numFailedTests; skipped += r.numPendingTests + r.numTodoTests; }
    catch { failed += 1; }
  }
  console.log(`${passed} passed, ${failed} failed, ${skipped} skipped`);
' "${results[@]}"
exit $status
