/** docs/api is generated from the sources (`npm run docs`): it must be up to date. */
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { expect, test } from 'vitest';

test('docs/api/README.md is what `npm run docs` generates from ts/src', () => {
  const out = mkdtempSync(join(tmpdir(), 'reckit-docs-'));
  execFileSync('npx', ['typedoc', '--out', out, '--logLevel', 'Error'], { encoding: 'utf8' });
  const fresh = readFileSync(join(out, 'README.md'), 'utf8');
  const committed = readFileSync('docs/api/README.md', 'utf8');
  expect(committed === fresh, 'docs/api is stale: run `npm run docs` and commit it').toBe(true);
  // It documents the whole public API, models included.
  for (const name of ['auc', 'gaucReport', 'rankingMetrics', 'DIN', 'DIEN', 'fromDeepCTR', 'loadSafetensors', 'AucAccumulator']) {
    expect(fresh).toContain(`### ${name}`);
  }
}, 60_000);
