#!/usr/bin/env bash
# `npm test`: installs what is missing, then runs every package's tests against real services.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh
export NODE_OPTIONS="${NODE_OPTIONS:-} --max-old-space-size=4096"
status=0
results=()
# The house checks first: types, and the lint rules of docs/architecture.md. Both at once (tsc and ESLint's type
# checker each keep about one core busy). A failed check fails the run and counts as one failure in the closing line,
# but the suites still run so that one report shows everything.
failed_checks=0
checks="$(mktemp -d)"
for check in typecheck lint; do
  (
    started=$SECONDS
    if bash "scripts/$check.sh" >"$checks/$check.log" 2>&1; then result=passed; else result=FAILED; fi
    echo "=== $check $result in $((SECONDS - started)) s" >"$checks/$check.result"
  ) &
done
wait
for check in typecheck lint; do
  echo "=== $check"
  cat "$checks/$check.log" "$checks/$check.result" 2>/dev/null || echo "=== $check did not finish"
  if ! grep -q "$check passed" "$checks/$check.result" 2>/dev/null; then status=1; failed_checks=$((failed_checks + 1)); fi
done
for pkg in sdk cli object-store temporal-workers dashboard supervisor; do
  if [ -f "$pkg/vitest.config.ts" ]; then
    echo "=== $pkg"
    report="$(mktemp)"
    if (cd "$pkg" && npx vitest run --reporter=default --reporter=json --outputFile.json="$report"); then :; else status=1; fi
    results+=("$report")
  fi
done
# One plain closing line over all packages.
FAILED_CHECKS=$failed_checks node -e '
  let passed = 0, failed = Number(process.env.FAILED_CHECKS), skipped = 0;
  for (const file of process.argv.slice(1)) {
    try { const r = JSON.parse(require("fs").readFileSync(file, "utf8")); passed += r.numPassedTests; failed += r.numFailedTests; skipped += r.numPendingTests + r.numTodoTests; }
    catch { failed += 1; }
  }
  console.log(`${passed} passed, ${failed} failed, ${skipped} skipped`);
' "${results[@]}"
exit $status
