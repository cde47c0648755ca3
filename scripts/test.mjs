// npm test: content check, type check, unit tests (vitest), then end-to-end tests (Playwright on the built server).
// Ends with one plain line "N passed, N failed" that CI reads.
import { spawnSync } from 'node:child_process';
import { readFileSync, mkdtempSync, existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';

const env = { ...process.env, ASTRO_TELEMETRY_DISABLED: '1' };
const out = mkdtempSync(path.join(tmpdir(), 'wuye-test-results-'));
const run = (cmd, args, extra = {}) => spawnSync(cmd, args, { stdio: 'inherit', env: { ...env, ...extra } }).status ?? 1;
let passed = 0;
let failed = 0;

const content = run('npm', ['run', '-s', 'content:check']);
content === 0 ? passed++ : failed++;

// Type-check .astro pages as well as .ts (tsc alone does not see pages; a page
// calling a changed function with old arguments would only fail at run time).
const types = run('npm', ['run', '-s', 'check']);
types === 0 ? passed++ : failed++;

// Build first: the integration tests (test/integration) and Playwright run the built server.
const build = run('npm', ['run', '-s', 'build']);
if (build !== 0) failed++;

const vitestJson = path.join(out, 'vitest.json');
run('npx', ['vitest', 'run', '--reporter=default', '--reporter=json', `--outputFile.json=${vitestJson}`], build === 0 ? {} : { SKIP_INTEGRATION: '1' });
if (existsSync(vitestJson)) {
  const v = JSON.parse(readFileSync(vitestJson, 'utf8'));
  passed += v.numPassedTests;
  failed += v.numFailedTests + (v.numTotalTestSuites && v.success === false && v.numFailedTests === 0 ? 1 : 0);
} else failed++;

if (build === 0) {
  const pwJson = path.join(out, 'playwright.json');
  run('npx', ['playwright', 'test'], { PW_JSON: pwJson });
  if (existsSync(pwJson)) {
    const s = JSON.parse(readFileSync(pwJson, 'utf8')).stats;
    passed += s.expected + s.flaky;
    failed += s.unexpected;
  } else failed++;
}

console.log(`\n${passed} passed, ${failed} failed`);
process.exit(failed ? 1 : 0);
