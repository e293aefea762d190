// The browser tests' checks: each runs, prints "ok" or "FAIL" with the
// first lines of what went wrong, and is counted; finish() prints the
// totals and exits 1 when any failed.
export const results = { passed: 0, failed: 0 };

export async function check(name, fn) {
  try {
    await fn();
    results.passed++;
    console.log(`ok    ${name}`);
  } catch (e) {
    results.failed++;
    console.log(`FAIL  ${name}: ${(e && e.message ? e.message : String(e)).split('\n').slice(0, 6).join('\n      ')}`);
  }
}

export function assert(cond, msg) { if (!cond) throw new Error(msg); }

export function finish(label) {
  console.log(`${label}: ${results.passed} passed, ${results.failed} failed`);
  process.exit(results.failed ? 1 : 0);
}
