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
failed_checks=""
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
  if ! grep -q "$check passed" "$checks/$check.result" 2>/dev/null; then status=1; failed_checks+=" $check"; fi
done
for pkg in sdk cli object-store temporal-workers dashboard supervisor; do
  if [ -f "$pkg/vitest.config.ts" ]; then
    echo "=== $pkg"
    report="$(mktemp)"
    if (cd "$pkg" && npx vitest run --reporter=default --reporter=json --outputFile.json="$report"); then :; else status=1; fi
    results+=("$report")
  fi
done
# One plain closing line over all packages, after the name and first error line of each failed test (CI shows
# the tail of this output, so what failed must be at the end).
FAILED_CHECKS="$failed_checks" node -e '
  const { readFileSync } = require("fs");
  const { relative } = require("path");
  const failedChecks = (process.env.FAILED_CHECKS ?? "").split(" ").filter(Boolean);
  let passed = 0, failed = failedChecks.length, skipped = 0;
  const failures = failedChecks.map((check) => `FAILED check: ${check} (its output is above, under === ${check})`);
  const firstLine = (text) => String(text ?? "").split("\n").find((line) => line.trim()) ?? "";
  for (const file of process.argv.slice(1)) {
    try {
      const r = JSON.parse(readFileSync(file, "utf8"));
      passed += r.numPassedTests; failed += r.numFailedTests; skipped += r.numPendingTests + r.numTodoTests;
      for (const suite of r.testResults ?? []) {
        const where = relative(process.cwd(), suite.name);
        const failedTests = (suite.assertionResults ?? []).filter((t) => t.status === "failed");
        for (const t of failedTests) failures.push(`FAILED ${where} > ${t.fullName}: ${firstLine(t.failureMessages?.[0])}`);
        if (suite.status === "failed" && failedTests.length === 0) failures.push(`FAILED ${where}: ${firstLine(suite.message)}`);
      }
    } catch { failed += 1; failures.push(`FAILED: no test report in ${file}`); }
  }
  for (const line of failures) console.log(line.slice(0, 600));
  console.log(`${passed} passed, ${failed} failed, ${skipped} skipped`);
' "${results[@]}"
exit $status
