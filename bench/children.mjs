// What bench/dense.mjs and bench/models.mjs share: each implementation runs in its own child
// process (`node BENCH --impl SPEC DIR`), so ORT-web's thread count and rayon's pool are fixed
// per process and no implementation's lingering threads run beside another's timing. The parent
// writes inputs and a manifest to DIR; each child writes result-SPEC.json there.
import { spawnSync } from 'node:child_process';
import { existsSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { initAll } from './workload.mjs';

/** A raw little-endian array file in `dir`, as `Type` (Float32Array, Int32Array). */
export function readArray(dir, file, Type) {
  const buf = readFileSync(join(dir, file));
  return new Type(buf.buffer.slice(buf.byteOffset, buf.byteOffset + buf.length));
}

/** A typed array's bytes, for writeFileSync. */
export const bytes = (a) => new Uint8Array(a.buffer, a.byteOffset, a.byteLength);

const resultFile = (dir, spec) => join(dir, `result-${spec.replace(/[^\w-]/g, '_')}.json`);

/** reckit's specs: every backend this machine loads, and native again at 1 thread when it has more. */
export async function reckitSpecs() {
  const specs = [], envs = {};
  try {
    const reckit = await import('../dist/index.js');
    await initAll(reckit);
    for (const b of reckit.availableBackends()) {
      specs.push(`reckit:${b}`);
      reckit.setBackend(b);
      if (b === 'native' && reckit.backendInfo().threads > 1) {
        specs.push('reckit:native:1T');
        envs['reckit:native:1T'] = { RAYON_NUM_THREADS: '1' };
      }
    }
  } catch (e) {
    console.log(`(reckit skipped: ${e.message.split('\n')[0]})`);
  }
  return { specs, envs };
}

/** Runs `script --impl SPEC DIR` for each spec, one at a time; their results (or why none). */
export function runChildren(script, specs, envs, dir) {
  const results = [];
  for (const spec of specs) {
    const r = spawnSync(process.execPath, [script, '--impl', spec, dir], {
      env: { ...process.env, ...envs[spec] }, stdio: ['ignore', 2, 2], timeout: 15 * 60e3,
    });
    const file = resultFile(dir, spec);
    if (r.status !== 0 || !existsSync(file)) {
      results.push({ spec, impl: spec, skip: `child exited with ${r.status ?? r.signal ?? r.error?.message}`, rows: [] });
      continue;
    }
    results.push(JSON.parse(readFileSync(file, 'utf8')));
    rmSync(file);
  }
  return results;
}

/**
 * The child: loads implementation `spec` ("kind:arg") from `implementations` (kind(arg) →
 * { impl, tag, skip?, prepare(w, inputs) → { call, async?, dispose? } | { skip } }), then for
 * each workload of DIR's manifest calls `measure(p, w, result)` for the row's fields, and writes
 * result-SPEC.json. A throw is the row's mismatch.
 */
export async function child(spec, dir, implementations, inputs, measure) {
  const [kind, arg] = spec.split(':');
  const manifest = JSON.parse(readFileSync(join(dir, 'manifest.json'), 'utf8'));
  const result = { spec, rows: [] };
  let impl;
  try {
    impl = await implementations[kind](arg);
  } catch (e) {
    impl = { skip: `cannot load: ${e.message.split('\n')[0]}` };
  }
  Object.assign(result, { impl: impl.impl ?? spec, tag: impl.tag ?? spec, info: impl.info, threads: impl.threads, skip: impl.skip });
  if (!impl.skip) {
    for (const w of manifest.workloads) {
      const row = { id: w.id };
      try {
        const p = await impl.prepare(w, inputs(w));
        if (p.skip) row.skip = p.skip;
        else {
          Object.assign(row, await measure(p, w, result));
          await p.dispose?.();
        }
      } catch (e) {
        row.mismatch = `threw: ${e.message.split('\n')[0]}`;
      }
      result.rows.push(row);
      console.error(`  ${result.impl}: ${w.id} ${row.skip ? `skipped (${row.skip})` : row.mismatch ? 'MISMATCH' : `${row.ms.toFixed(2)} ms`}`);
    }
  }
  writeFileSync(resultFile(dir, spec), JSON.stringify(result));
}

/** A python3 that has numpy and torch: BENCH_PYTHON, python3 on PATH, or Debian's. */
export function findPython() {
  const tried = [];
  for (const py of [process.env.BENCH_PYTHON, 'python3', '/usr/bin/python3'].filter(Boolean)) {
    const r = spawnSync(py, ['-c', 'import numpy, torch'], { encoding: 'utf8' });
    if (r.status === 0) return { py };
    tried.push(`${py}: ${r.error?.code ?? r.stderr.trim().split('\n').pop()}`);
  }
  return { reason: `no python3 with numpy and torch (${tried.join('; ')})` };
}
