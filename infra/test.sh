#!/usr/bin/env bash
# `npm test`: type-check, lint, then every vitest project (server unit and
# integration tests with real redis-server and mediasoup workers, client
# component tests, Playwright journeys in Debian's Chromium). Ends with one
# plain summary line: "Tests: N passed, N failed".
set -uo pipefail
cd "$(dirname "$0")/.."
fail=0
echo "==> typecheck" && npm run -s typecheck || fail=1
echo "==> lint" && npm run -s lint || fail=1
mkdir -p test-results
echo "==> vitest"
npx vitest run --reporter=default --reporter=json --outputFile.json=test-results/vitest.json "$@" || fail=1
node -e '
const fs = require("fs");
let r = { numPassedTests: 0, numFailedTests: 0, numPendingTests: 0 };
try { r = JSON.parse(fs.readFileSync("test-results/vitest.json", "utf8")); } catch { r.numFailedTests = 1; }
console.log(`Tests: ${r.numPassedTests} passed, ${r.numFailedTests} failed, ${r.numPendingTests} skipped`);
'
exit $fail
