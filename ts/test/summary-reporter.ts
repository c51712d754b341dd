/**
 * Prints test counts per backend (vitest project) and a closing "N passed, N failed" line,
 * so a run shows at a glance that every backend ran the whole suite.
 */
import type { Reporter, TestModule } from 'vitest/node';

export default class BackendSummary implements Reporter {
  onTestRunEnd(modules: ReadonlyArray<TestModule>) {
    const counts = new Map<string, Record<'passed' | 'failed' | 'skipped' | 'pending', number>>();
    for (const m of modules) {
      const c = counts.get(m.project.name) ?? { passed: 0, failed: 0, skipped: 0, pending: 0 };
      for (const t of m.children.allTests()) c[t.result().state]++;
      counts.set(m.project.name, c);
    }
    let passed = 0;
    let failed = 0;
    console.log('\nTests per backend:');
    for (const [name, c] of counts) {
      console.log(`  ${name.padEnd(32)} ${c.passed} passed, ${c.failed} failed, ${c.skipped} skipped`);
      passed += c.passed;
      failed += c.failed;
    }
    console.log(`vitest: ${passed} passed, ${failed} failed`);
  }
}
