#!/usr/bin/env node
/**
 * `reckit eval <file>`: AUC and GAUC of a CSV/TSV prediction log, streamed (csv-parse), with
 * the backend used and the time taken. Arguments: node's parseArgs.
 */
import { createReadStream } from 'node:fs';
import { parseArgs } from 'node:util';
import { parse } from 'csv-parse';
import { auc, backendInfo, gaucReport, init, type GroupWeighting } from './index.js';

const usage = `usage: reckit eval <file.csv|file.tsv> [--label label] [--score score] [--group user_id]
                   [--weighting impressions|clicks|uniform] [--format table|json]`;

class Columns {
  labels: number[] = [];
  scores: number[] = [];
  groups: string[] = [];
}

async function read(file: string, names: { label: string; score: string; group: string }): Promise<Columns> {
  const delimiter = file.endsWith('.tsv') ? '\t' : ',';
  const parser = createReadStream(file).pipe(parse({ delimiter, columns: true, bom: true, info: true }));
  const out = new Columns();
  let checked = false;
  for await (const { record, info } of parser as AsyncIterable<{ record: Record<string, string>; info: { lines: number } }>) {
    if (!checked) {
      for (const col of [names.label, names.score, names.group]) {
        if (!(col in record)) throw new Error(`${file}: no column "${col}" (columns: ${Object.keys(record).join(', ')})`);
      }
      checked = true;
    }
    const where = (col: string) => `${file}:${info.lines}: column "${col}"`;
    const label = record[names.label].trim();
    if (label !== '0' && label !== '1') throw new Error(`${where(names.label)}: label "${label}" is not 0 or 1`);
    const score = Number(record[names.score]);
    if (record[names.score].trim() === '' || !Number.isFinite(score)) {
      throw new Error(`${where(names.score)}: score "${record[names.score]}" is not a finite number`);
    }
    out.labels.push(label === '1' ? 1 : 0);
    out.scores.push(score);
    out.groups.push(record[names.group]);
  }
  if (out.labels.length === 0) throw new Error(`${file}: no rows`);
  return out;
}

async function main(argv: string[]): Promise<number> {
  const { values, positionals } = parseArgs({
    args: argv,
    allowPositionals: true,
    options: {
      label: { type: 'string', default: 'label' },
      score: { type: 'string', default: 'score' },
      group: { type: 'string', default: 'user_id' },
      weighting: { type: 'string', default: 'impressions' },
      format: { type: 'string', default: 'table' },
      help: { type: 'boolean', short: 'h' },
    },
  });
  if (values.help || positionals[0] !== 'eval' || positionals.length !== 2) {
    console.error(usage);
    return values.help ? 0 : 2;
  }
  if (values.format !== 'table' && values.format !== 'json') {
    console.error(`reckit: --format must be table or json, not "${values.format}"\n${usage}`);
    return 2;
  }
  const file = positionals[1];
  await init();
  const t0 = performance.now();
  const cols = await read(file, { label: values.label, score: values.score, group: values.group });
  const t1 = performance.now();
  const labels = Uint8Array.from(cols.labels);
  const scores = Float64Array.from(cols.scores);
  const aucValue = auc(labels, scores);
  const g = gaucReport(labels, scores, cols.groups, { weighting: values.weighting as GroupWeighting });
  const t2 = performance.now();
  const info = backendInfo();
  const result = {
    file, rows: labels.length, auc: aucValue, gauc: g.value, weighting: values.weighting,
    groups: g.groups, skippedGroups: g.skippedGroups, backend: info,
    ms: { parse: +(t1 - t0).toFixed(1), metrics: +(t2 - t1).toFixed(2) },
  };
  if (values.format === 'json') {
    console.log(JSON.stringify(result, null, 2));
  } else {
    console.log(`reckit eval ${file}
  rows      ${result.rows}
  AUC       ${aucValue.toFixed(6)}
  GAUC      ${g.value.toFixed(6)}  (${values.weighting}; ${g.groups} groups, ${g.skippedGroups} single-class skipped)
  backend   ${info.name} (${info.simd}, ${info.threads} thread${info.threads === 1 ? '' : 's'})
  time      read+parse ${result.ms.parse} ms, metrics ${result.ms.metrics} ms`);
  }
  return 0;
}

main(process.argv.slice(2)).then(
  (code) => (process.exitCode = code),
  (e) => {
    console.error(`reckit: ${e instanceof Error ? e.message : String(e)}`);
    process.exitCode = 1;
  },
);
