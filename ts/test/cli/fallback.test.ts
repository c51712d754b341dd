/**
 * Node without the native addon (no binary for the platform, an old glibc): the package falls
 * back to wasm-simd at import, synchronously, with one warning saying why, and the README's
 * code works without `await init()`. Tested on a copy of dist/ with the addon removed.
 */
import { spawnSync } from 'node:child_process';
import { cpSync, mkdtempSync, readdirSync, rmSync, symlinkSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { expect, test } from 'vitest';

test('without the native addon, the first call runs on wasm-simd after one warning', () => {
  const dir = mkdtempSync(join(tmpdir(), 'reckit-no-native-'));
  cpSync('dist', join(dir, 'dist'), { recursive: true });
  for (const f of readdirSync(join(dir, 'dist/native'))) if (f.endsWith('.node')) rmSync(join(dir, 'dist/native', f));
  symlinkSync(resolve('package.json'), join(dir, 'package.json'));
  const script = `import { auc, backendInfo, aucAsync } from ${JSON.stringify(join(dir, 'dist/index.js'))};
    console.log(JSON.stringify({ backend: backendInfo().name, auc: auc([1, 0, 1, 0], [0.9, 0.8, 0.7, 0.1]), async: await aucAsync([1, 0], [0.9, 0.1]) }));`;
  const r = spawnSync(process.execPath, ['--input-type=module', '-e', script], { encoding: 'utf8', env: { ...process.env, RECKIT_BACKEND: '' } });
  rmSync(dir, { recursive: true, force: true });
  expect(r.status, r.stderr).toBe(0);
  expect(JSON.parse(r.stdout)).toEqual({ backend: 'wasm-simd', auc: 0.75, async: 1 });
  const warnings = r.stderr.trim().split('\n').filter((l) => l.startsWith('reckit:'));
  expect(warnings).toHaveLength(1);
  expect(warnings[0]).toMatch(/^reckit: the native addon did not load \(.+\); using wasm-simd$/);
});
