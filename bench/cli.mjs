// npm run bench -- cli (also part of the full `npm run bench`): `reckit eval` on a 1e7-row,
// ~240 MB CSV prediction log (1e6 users, 10% clicks), the issue's target being under 15 s on
// this machine. Prints the wall time and the CLI's own split between reading+parsing and the
// metrics (AUC, GAUC, log loss, ranking @10), with the peak RSS; writes
// bench/results/<date>-cli.json. BENCH_CLI_ROWS changes the row count.
import { spawnSync } from 'node:child_process';
import { createWriteStream, existsSync, mkdtempSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { cpus, tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { lcg } from './workload.mjs';

const here = dirname(fileURLToPath(import.meta.url));
const rows = Number(process.env.BENCH_CLI_ROWS ?? 1e7);
const dir = mkdtempSync(join(tmpdir(), 'reckit-cli-bench-'));
const file = join(dir, 'log.csv');

const random = lcg(7);
const out = createWriteStream(file);
out.write('user_id,item_id,label,score\n');
for (let i = 0; i < rows; i += 1e5) {
  const lines = [];
  for (let j = i; j < Math.min(rows, i + 1e5); j++) {
    const label = random() < 0.1 ? 1 : 0;
    lines.push(`${Math.floor(random() * 1e6)},${Math.floor(random() * 1e5)},${label},${(random() * 0.5 + label * 0.3).toFixed(6)}`);
  }
  if (!out.write(`${lines.join('\n')}\n`)) await new Promise((r) => out.once('drain', r));
}
await new Promise((r) => out.end(r));
const bytes = statSync(file).size;

// GNU time reports the peak RSS; without it the run is timed all the same.
const gnuTime = existsSync('/usr/bin/time');
const cli = [join(here, '..', 'dist', 'cli', 'index.js'), 'eval', file, '--format', 'json'];
const t = performance.now();
const r = gnuTime ? spawnSync('/usr/bin/time', ['-f', '%M', process.execPath, ...cli], { encoding: 'utf8', maxBuffer: 1 << 24 })
  : spawnSync(process.execPath, cli, { encoding: 'utf8', maxBuffer: 1 << 24 });
const wall = performance.now() - t;
rmSync(dir, { recursive: true });
if (r.status !== 0) throw new Error(`reckit eval failed: ${r.stderr}`);
const result = JSON.parse(r.stdout);
const rssMB = gnuTime ? Number(r.stderr.trim().split('\n').pop()) / 1024 : undefined;
const row = {
  rows, megabytes: +(bytes / 1e6).toFixed(1), wallMs: +wall.toFixed(0), readMs: result.ms.read, metricsMs: result.ms.metrics,
  rssMB: rssMB && +rssMB.toFixed(0), backend: result.backend, auc: result.auc, gauc: result.gauc, groups: result.groups,
};
console.log(`reckit eval: ${rows} rows, ${row.megabytes} MB: ${(wall / 1000).toFixed(2)} s wall (target < 15 s): read+parse ${(row.readMs / 1000).toFixed(2)} s, metrics ${(row.metricsMs / 1000).toFixed(2)} s${rssMB ? `, peak RSS ${row.rssMB} MB` : ''}`);
const date = new Date().toISOString().slice(0, 10);
const path = join(here, 'results', `${date}-cli.json`);
writeFileSync(path, JSON.stringify({ date, machine: { cpu: cpus()[0]?.model, cores: cpus().length, node: process.version }, ...row }, null, 2));
console.log(`wrote ${path}`);
