// npm run bench -- cli (also part of the full `npm run bench`): `reckit eval` on a 1e7-row,
// ~240 MB CSV prediction log (1e6 users, 10% clicks), against polars and pandas reading the same
// file and computing AUC and GAUC by rank sums (bench/peers/log_peers.py), in the same run when
// BENCH_PYTHON has them (npm run bench makes that virtualenv), else skipped with the reason.
// Prints wall times, the read/metrics split, peak RSS and reckit's ratio to each peer; checks
// that AUC and GAUC agree to 1e-9; writes bench/results/<date>-cli.json. BENCH_CLI_ROWS changes
// the row count.
import { spawnSync } from 'node:child_process';
import { createWriteStream, existsSync, mkdirSync, mkdtempSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { cpus, tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { lcg } from './workload.mjs';

const here = dirname(fileURLToPath(import.meta.url));
const rows = Number(process.env.BENCH_CLI_ROWS ?? 1e7);
const dir = mkdtempSync(join(tmpdir(), 'reckit-cli-bench-'));
const file = join(dir, 'log.csv');

// The log, and the same rows cut into 4 parts (a partitioned log: reckit eval <dir>).
const PARTS = 4;
const partsDir = join(dir, 'parts');
mkdirSync(partsDir);
const header = 'user_id,item_id,label,score\n';
const random = lcg(7);
const out = createWriteStream(file);
const parts = Array.from({ length: PARTS }, (_, k) => createWriteStream(join(partsDir, `part-${k}.csv`)));
const put = async (stream, text) => stream.write(text) || (await new Promise((r) => stream.once('drain', r)));
await put(out, header);
for (const p of parts) await put(p, header);
for (let i = 0; i < rows; i += 1e5) {
  const lines = [];
  for (let j = i; j < Math.min(rows, i + 1e5); j++) {
    const label = random() < 0.1 ? 1 : 0;
    lines.push(`${Math.floor(random() * 1e6)},${Math.floor(random() * 1e5)},${label},${(random() * 0.5 + label * 0.3).toFixed(6)}`);
  }
  const text = `${lines.join('\n')}\n`;
  await put(out, text);
  await put(parts[Math.min(PARTS - 1, Math.floor((i * PARTS) / rows))], text);
}
await Promise.all([out, ...parts].map((s) => new Promise((r) => s.end(r))));

// GNU time reports the peak RSS; without it the run is timed all the same.
const gnuTime = existsSync('/usr/bin/time');
const python = process.env.BENCH_PYTHON ?? 'python3';
const s = (ms) => `${(ms / 1000).toFixed(2)} s`;

/** `reckit eval <inputs> --format json`: its JSON, wall time and peak RSS (GNU time). */
function run(inputs) {
  const cli = [join(here, '..', 'dist', 'cli', 'index.js'), 'eval', ...inputs, '--format', 'json'];
  const t = performance.now();
  const r = gnuTime ? spawnSync('/usr/bin/time', ['-f', '%M', process.execPath, ...cli], { encoding: 'utf8', maxBuffer: 1 << 24 })
    : spawnSync(process.execPath, cli, { encoding: 'utf8', maxBuffer: 1 << 24 });
  const wall = performance.now() - t;
  if (r.status !== 0) throw new Error(`reckit eval failed: ${r.stderr}`);
  return { result: JSON.parse(r.stdout), wall, rssMB: gnuTime ? Number(r.stderr.trim().split('\n').pop()) / 1024 : undefined };
}

/**
 * reckit eval and the peers on one file: prints a table, returns the rows for the results file.
 * `partitioned`: the same rows as a directory of parts, evaluated by reckit too (same table).
 */
function compare(file, what, partitioned) {
  const { result, wall, rssMB } = run([file]);
  const row = {
    rows, megabytes: +(statSync(file).size / 1e6).toFixed(1), wallMs: +wall.toFixed(0), readMs: result.ms.read, metricsMs: result.ms.metrics,
    rssMB: rssMB && +rssMB.toFixed(0), backend: result.backend, auc: result.auc, gauc: result.gauc, groups: result.groups,
  };
  console.log(`\n${rows} rows, ${row.megabytes} MB ${what} (user_id, item_id, label, score; 1e6 users)`);
  console.log('| | read | metrics | total | peak RSS | reckit ÷ peer (total) |\n|---|---|---|---|---|---|');
  console.log(`| reckit eval (${result.backend.name}; AUC, GAUC, log loss, ranking @10) | ${s(row.readMs)} | ${s(row.metricsMs)} | ${s(wall)} wall | ${row.rssMB ?? '?'} MB | |`);
  if (partitioned) {
    const p = run([partitioned]);
    for (const m of ['auc', 'gauc', 'logLoss']) if (p.result[m] !== result[m]) throw new Error(`the partitioned log's ${m} ${p.result[m]} differs from the file's ${result[m]}`);
    row.partitioned = { parts: p.result.parts, wallMs: +p.wall.toFixed(0), readMs: p.result.ms.read, metricsMs: p.result.ms.metrics, rssMB: p.rssMB && +p.rssMB.toFixed(0) };
    console.log(`| reckit eval, the same rows as ${p.result.parts} parts (a directory) | ${s(p.result.ms.read)} | ${s(p.result.ms.metrics)} | ${s(p.wall)} wall | ${p.rssMB?.toFixed(0) ?? '?'} MB | |`);
  }
  // The peers, one process each (their read + AUC + GAUC), on the same file.
  for (const lib of ['polars', 'pandas']) {
    const p = spawnSync(python, [join(here, 'peers', 'log_peers.py'), lib, file], { encoding: 'utf8' });
    if (p.status !== 0) {
      row[lib] = { skipped: `${python} cannot run the ${lib} peer: ${(p.stderr || String(p.error)).trim().split('\n').pop()}` };
      console.log(`${lib}: skipped (${row[lib].skipped})`);
      continue;
    }
    const peer = JSON.parse(p.stdout);
    const total = (peer.read + peer.metrics) * 1000;
    for (const m of ['auc', 'gauc']) {
      if (Math.abs(peer[m] - result[m]) > 1e-9) throw new Error(`${lib}'s ${m} ${peer[m]} differs from reckit's ${result[m]}`);
    }
    row[lib] = { readMs: +(peer.read * 1000).toFixed(0), metricsMs: +(peer.metrics * 1000).toFixed(0), totalMs: +total.toFixed(0), rssMB: +peer.rssMB.toFixed(0) };
    console.log(`| ${lib} read + rank-sum AUC, GAUC | ${s(peer.read * 1000)} | ${s(peer.metrics * 1000)} | ${s(total)} | ${peer.rssMB.toFixed(0)} MB | ${(wall / total).toFixed(2)}× |`);
  }
  console.log('AUC and GAUC agree with every peer that ran to 1e-9.');
  return row;
}

const results = { csv: compare(file, 'CSV', partsDir) };
// The same log as Parquet (snappy, written by pyarrow), when the Python has pyarrow.
const parquet = join(dir, 'log.parquet');
const write = spawnSync(python, ['-c', `import pyarrow.csv as c, pyarrow.parquet as pq; pq.write_table(c.read_csv(${JSON.stringify(file)}), ${JSON.stringify(parquet)}, compression='snappy')`], { encoding: 'utf8' });
if (write.status === 0) results.parquet = compare(parquet, 'Parquet (snappy, pyarrow)');
else console.log(`Parquet: skipped (${python} cannot write it: ${(write.stderr || String(write.error)).trim().split('\n').pop()})`);
rmSync(dir, { recursive: true });
const date = new Date().toISOString().slice(0, 10);
const path = join(here, 'results', `${date}-cli.json`);
writeFileSync(path, JSON.stringify({ date, machine: { cpu: cpus()[0]?.model, cores: cpus().length, node: process.version }, ...results }, null, 2));
console.log(`wrote ${path}`);
