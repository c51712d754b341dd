/** The shipped examples run and print what they promise (Node programs: tested once). */
import { spawnSync } from 'node:child_process';
import { expect, test } from 'vitest';

test('examples/shards.mjs: worker_threads shards merge to the one-shot results', () => {
  const r = spawnSync('node', ['examples/shards.mjs'], { encoding: 'utf8' });
  expect(r.status, r.stderr).toBe(0);
  expect(r.stdout).toMatch(/equal: true/);
  for (const line of r.stdout.split('\n').filter((l) => /merged/.test(l))) {
    const [merged, oneShot] = [...line.matchAll(/(?:merged|one-shot) ([\d.]+)/g)].map((m) => m[1]);
    expect(merged).toBe(oneShot);
  }
  const [, value, bound] = /binned ([\d.]+) ± ([\d.e+-]+)/.exec(r.stdout)!;
  const exact = /AUC\s+merged ([\d.]+)/.exec(r.stdout)![1];
  expect(Math.abs(Number(value) - Number(exact))).toBeLessThanOrEqual(Number(bound));
});
