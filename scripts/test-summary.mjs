// Adds up every package's vitest JSON report into one closing line for CI:
// "tests: N passed, N failed, N skipped". Exits non-zero if a report is missing or failed.
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('../packages', import.meta.url));
const totals = { passed: 0, failed: 0, skipped: 0 };
let ok = true;
for (const pkg of readdirSync(root)) {
  let report;
  try {
    report = JSON.parse(readFileSync(join(root, pkg, 'test-results.json'), 'utf8'));
  } catch {
    console.error(`no test report for packages/${pkg}`);
    ok = false;
    continue;
  }
  totals.passed += report.numPassedTests;
  totals.failed += report.numFailedTests;
  totals.skipped += report.numPendingTests + report.numTodoTests;
  ok &&= report.success;
}
console.log(`tests: ${totals.passed} passed, ${totals.failed} failed, ${totals.skipped} skipped`);
process.exit(ok && totals.failed === 0 && totals.passed > 0 ? 0 : 1);
