/** The CLI (Node only, so it runs in its own project): output, formats, and errors with file, line and column. */
import { execFileSync, spawnSync } from 'node:child_process';
import { chmodSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { gzipSync } from 'node:zlib';
import { expect, test } from 'vitest';
import { auc, averagePrecision, brierScore, calibrationRatio, gaucReport, init, ks, logLoss, normalizedEntropy, rankingMetrics } from 'reckit';
import expected from '../../../data/sample.expected.json';

const cli = (...args: string[]) => spawnSync('node', ['dist/cli/index.js', ...args], { encoding: 'utf8' });
const json = (...args: string[]) => JSON.parse(execFileSync('node', ['dist/cli/index.js', ...args, '--format', 'json'], { encoding: 'utf8' }));
const dir = mkdtempSync(join(tmpdir(), 'reckit-cli-'));
const file = (name: string, text: string | Buffer) => {
  writeFileSync(join(dir, name), text);
  return join(dir, name);
};

const sample = readFileSync('data/sample.csv', 'utf8').trim().split('\n').slice(1).map((l) => l.split(','));
const users = Uint32Array.from(sample, (r) => Number(r[0]));
const labels = Uint8Array.from(sample, (r) => Number(r[2]));
const scores = Float64Array.from(sample, (r) => Number(r[3]));

/** Equal structure; numbers within 1e-12. */
function expectNear(got: unknown, want: unknown, path: string) {
  if (typeof want === 'number') expect(Math.abs((got as number) - want), path).toBeLessThan(1e-12);
  else if (want && typeof want === 'object') {
    expect(Object.keys(got as object).sort(), path).toEqual(Object.keys(want).sort());
    for (const [k, v] of Object.entries(want)) expectNear((got as Record<string, unknown>)[k], v, `${path}.${k}`);
  } else expect(got, path).toEqual(want);
}

test('eval --format json equals the library (and sklearn) on the sample', async () => {
  await init();
  const out = json('eval', 'data/sample.csv', '--k', '5,10,20', '--metrics', 'auc,gauc,logloss,ne,calibration,brier,ap,ks,ndcg,recall,precision,hitrate,f1,map,mrr');
  expect(out.rows).toBe(expected.rows);
  expect(Math.abs(out.auc - expected.auc)).toBeLessThanOrEqual(1e-12);
  expect(Math.abs(out.gauc - expected.gauc_impressions)).toBeLessThanOrEqual(1e-12);
  const g = gaucReport(labels, scores, users);
  expect([out.gauc, out.gaucGroups, out.skippedGroups, out.groups]).toEqual([g.value, g.groups, g.skippedGroups, g.groups + g.skippedGroups]);
  expect(out.auc).toBe(auc(labels, scores));
  expect(out.logLoss).toBe(logLoss(labels, scores));
  expect([out.normalizedEntropy, out.calibration, out.brier]).toEqual([normalizedEntropy(labels, scores), calibrationRatio(labels, scores), brierScore(labels, scores)]);
  expect(out.averagePrecision).toBe(averagePrecision(labels, scores));
  expect(out.ks).toBe(ks(labels, scores));
  const r = rankingMetrics(labels, scores, { groups: users, k: [5, 10, 20] });
  expect(out.ranking).toEqual({ queries: r.queries, emptyQueries: r.emptyQueries, at: r.at });
  expect(out.backend.name).toBe('native');
  expect(out.skipped).toEqual({});
});

test('eval prints the documented table for the sample (the README main command)', () => {
  const r = cli('eval', 'data/sample.csv');
  expect(r.status).toBe(0);
  expect(r.stderr).toBe(''); // no progress bar when stderr is not a terminal
  const lines = r.stdout.trim().split('\n');
  expect(lines.slice(0, 14)).toEqual([
    'reckit eval data/sample.csv (csv)',
    '  rows       100000  (2000 user_id values)',
    '  AUC        0.749824',
    '  GAUC       0.687780  (impressions by user_id; 1291 groups, 709 single-class skipped)',
    '  log loss   0.235300',
    '  NE         0.892427  (log loss ÷ entropy of the base rate)',
    '  calibration 0.854023  (Σ predicted ÷ Σ observed)',
    '  ranking    by user_id: 2000 queries, 709 without a relevant row (scored 0)',
    '                    @10',
    '    ndcg       0.300736',
    '    recall     0.431253',
    '    hitRate    0.574000',
    '    mrr        0.309353',
    expect.stringMatching(/^ {2}backend {4}native \(\w+, \d threads?\)$/),
  ]);
  expect(lines[14]).toMatch(/^ {2}time {7}read\+parse [\d.]+ ms, metrics [\d.]+ ms$/);
});

test('string group ids give the same results as numeric ones; JSON Lines the same as CSV', () => {
  const text = sample.map((r) => `u${r[0]},${r[2]},${r[3]}`).join('\n');
  const strings = json('eval', file('strings.csv', `user_id,label,score\n${text}\n`));
  const numbers = json('eval', 'data/sample.csv');
  // Groups numbered in another order sum GAUC's and the ranking's terms in another order.
  for (const k of ['auc', 'gauc', 'gaucGroups', 'skippedGroups', 'logLoss', 'ranking', 'groups']) expectNear(strings[k], numbers[k], k);
  const lines = sample.map((r) => JSON.stringify({ user_id: Number(r[0]), item: r[1], label: Number(r[2]), score: Number(r[3]) })).join('\n');
  const jsonl = json('eval', file('sample.jsonl', `${lines}\n`));
  for (const k of ['rows', 'auc', 'gauc', 'logLoss', 'ranking']) expectNear(jsonl[k], numbers[k], k);
});

test('TSV with a BOM and CRLF line ends', () => {
  const f = file('bom.tsv', '\ufeffuser_id\tlabel\tscore\r\na\t1\t0.9\r\na\t0\t0.1\r\nb\t1\t0.2\r\nb\t0\t0.3\r\n');
  const out = json('eval', f);
  // Overall: 0.9 beats both negatives, 0.2 beats 0.1 only → 3/4. Per user: a → 1, b → 0.
  expect([out.auc, out.gauc]).toEqual([0.75, 0.5]);
});

test('quoted fields (delimiters, doubled quotes, line breaks) and the line numbers after them', () => {
  const f = file('quoted.csv', 'user_id,note,label,score\n"a","x, ""y""",1,0.9\na,"two\nlines",0,0.1\nb,"",1,0.2\nb,z,0,0.3\n');
  expect([json('eval', f).auc, json('eval', f).rows]).toEqual([0.75, 4]);
  const bad = cli('eval', file('quoted-bad.csv', 'user_id,note,label,score\na,"two\nlines",0,0.1\nb,z,1,oops\n'));
  expect(bad.status).toBe(65);
  expect(bad.stderr).toMatch(/quoted-bad\.csv:4: column "score": score "oops" is not a finite number/);
});

test('graded relevance: ranking metrics, binary ones skipped with the reason', () => {
  const out = json('eval', file('graded.csv', 'user_id,label,score\nq,3,0.9\nq,0,0.8\nq,1,0.1\n'), '--k', '2');
  expect(out.auc).toBeUndefined();
  expect(out.skipped.auc).toMatch(/labels are not all 0 or 1/);
  // Gains 3, 0 in the top 2; ideal 3, 1: (3 + 0) / (3 + 1/log2(3)).
  expect(out.ranking.at['2'].ndcg).toBeCloseTo(3 / (3 + 1 / Math.log2(3)), 12);
});

test.each([
  ['a bad score names file, line and column', 'user_id,label,score\nu,1,0.5\nu,0,abc\n', /bad\.csv:3: column "score": score "abc" is not a finite number/],
  ['a bad label', 'user_id,label,score\nu,x,0.5\n', /bad\.csv:2: column "label": label "x" is not a number >= 0/],
  ['an empty score', 'user_id,label,score\nu,1,\n', /bad\.csv:2: column "score": score "" is not a finite number/],
  ['a ragged row', 'user_id,label,score\nu,1\n', /bad\.csv:2: has 2 fields, the header has 3/],
  ['an unterminated quote', 'user_id,label,score\na,1,0.5\nb,"0,0.2\nc,1,0.3\n', /bad\.csv:3: Quoted field unterminated/],
  ['an empty file', '', /bad\.csv: is empty \(no header, no rows\)/],
  ['a header only', 'user_id,label,score\n', /bad\.csv: no rows/],
])('%s → exit 65 with a clear message', (_, text, message) => {
  const r = cli('eval', file('bad.csv', text));
  expect(r.status).toBe(65);
  expect(r.stderr).toMatch(message);
});

test('a missing column: an error when named, otherwise no groups', () => {
  const f = file('nouser.csv', 'user,label,score\nu,1,0.5\nu,0,0.2\n');
  const r = cli('eval', f, '--group', 'user_id');
  expect(r.status).toBe(65);
  expect(r.stderr).toMatch(/nouser\.csv:1: no column "user_id" \(columns: user, label, score\)/);
  const out = json('eval', f);
  expect([out.auc, out.group, out.skipped.gauc]).toEqual([1, null, 'no group column (--group)']);
  expect(cli('eval', f, '--score', 'p').stderr).toMatch(/no column "p"/);
});

test('malformed input keeps the rows before it: their metrics are printed, marked partial', () => {
  const r = cli('eval', file('partial.csv', 'user_id,label,score\na,1,0.9\na,0,0.1\nb,1,0.2\nb,0,NaN?\nc,1,0.5\n'), '--format', 'json');
  expect(r.status).toBe(65);
  const out = JSON.parse(r.stdout);
  expect([out.rows, out.auc]).toEqual([3, 1]);
  expect(out.partial).toEqual({ error: expect.stringMatching(/partial\.csv:5: column "score"/), line: 5, column: 'score' });
  expect(r.stderr).toMatch(/partial\.csv:5: column "score": score "NaN\?" is not a finite number/);
});

test('JSON Lines errors name the line and the field', () => {
  const f = file('bad.jsonl', '{"user_id": 1, "label": 1, "score": 0.5}\n{"user_id": 1, "label": 0}\n');
  expect(cli('eval', f).stderr).toMatch(/bad\.jsonl:2: column "score": is missing \(fields: user_id, label\)/);
  expect(cli('eval', file('bad2.jsonl', '{"label": 1, "score": 0.5}\nnot json\n')).stderr).toMatch(/bad2\.jsonl:2: is not JSON/);
});

test('usage errors exit 2, a missing file 66', () => {
  expect(cli('frobnicate').status).toBe(2);
  const r = cli('eval', 'data/sample.csv', '--format', 'xml');
  expect(r.status).toBe(2);
  expect(r.stderr).toMatch(/--format must be table, json; got "xml"/);
  expect(cli('eval', 'data/sample.csv', '--k', '0').stderr).toMatch(/--k must be positive integers/);
  expect(cli('eval', 'data/sample.csv', '--metrics', 'auc,nope').stderr).toMatch(/--metrics must be auc, gauc/);
  const missing = cli('eval', join(dir, 'nope.csv'));
  expect(missing.status).toBe(66);
  expect(missing.stderr).toMatch(/cannot read .*nope\.csv/);
});

test('a progress bar on stderr for a long file read in a terminal (util-linux `script` gives it one)', () => {
  const rows = Array.from({ length: 700_000 }, (_, i) => `${i % 5000},${i % 7 === 0 ? 1 : 0},${((i * 7919) % 10007) / 10007}`);
  const big = file('long.csv', `user_id,label,score\n${rows.join('\n')}\n`);
  const r = spawnSync('script', ['-qec', `node dist/cli/index.js eval ${big} --format json > ${join(dir, 'long.json')}`, '/dev/null'], { encoding: 'utf8' });
  expect(r.status, r.stderr).toBe(0);
  expect(r.stdout).toMatch(/reading .*100% \| 700000 rows/);
  expect(JSON.parse(readFileSync(join(dir, 'long.json'), 'utf8')).rows).toBe(700_000);
});

test('a directory without parts, or a file without read permission, cannot be read: exit 66', () => {
  const folder = join(dir, 'folder.csv');
  mkdirSync(folder);
  const r = cli('eval', folder);
  expect(r.status).toBe(66);
  expect(r.stderr).toBe(`reckit: cannot read ${folder}: has no .csv, .tsv, .jsonl, .parquet or .arrow files\n`);
  // chmod does not stop root (the directory above is the case that always runs).
  if (process.getuid?.() !== 0) {
    const locked = file('locked.csv', 'label,score\n1,0.5\n');
    chmodSync(locked, 0);
    expect(cli('eval', locked).status).toBe(66);
  }
});

test('--k out of range, or not a decimal integer, is a usage error found before the file is opened', () => {
  // The file does not exist: exit 2, not 66, shows the options were checked first.
  for (const k of ['99999999999', '4294967296', '0', '-1', 'abc', '0x10', '1e3', '10.0', '5,', '']) {
    const r = cli('eval', join(dir, 'absent.csv'), `--k=${k}`);
    expect(r.status, k).toBe(2);
    expect(r.stderr, k).toMatch(/--k must be positive integers up to 4294967295/);
  }
  expect(cli('eval', join(dir, 'absent.csv'), '--label', ' ').stderr).toMatch(/--label must name a column/);
  const out = json('eval', file('k.csv', 'label,score\n1,0.9\n0,0.1\n'), '--k', '4294967295,1');
  expect(Object.keys(out.ranking.at)).toEqual(['1', '4294967295']);
});

test('a JSON Lines line over 64 MiB is an error at its line, the rows before it kept', () => {
  const big = `{"label": 1, "score": 0.9}\n{"label": 0, "score": 0.1, "blob": "${'x'.repeat(64 << 20)}"}\n{"label": 0, "score": 0.2}\n`;
  const r = cli('eval', file('long-line.jsonl', big), '--format', 'json');
  rmSync(join(dir, 'long-line.jsonl'));
  expect(r.status).toBe(65);
  expect(r.stderr).toMatch(/long-line\.jsonl:2: line is longer than 67108864 bytes/);
  expect(JSON.parse(r.stdout).rows).toBe(1);
  // Line breaks as node:readline counted them: CRLF, a lone CR, LF.
  const breaks = cli('eval', file('breaks.jsonl', '{"label":1,"score":0.5}\r\n{"label":0,"score":0.2}\r{"label":0,"score":0.1}\n\n{"label":1,"score":"?"}'));
  expect(breaks.stderr).toMatch(/breaks\.jsonl:5: column "score": score "\?" is not a finite number/);
});

test('hex, binary, octal and Infinity are not numbers; decimal forms with exponents are', () => {
  for (const v of ['0x10', '0b1', '0o7', 'Infinity', '-Infinity']) {
    const r = cli('eval', file('hex.csv', `label,score\n1,0.5\n0,${v}\n`));
    expect(r.status, v).toBe(65);
    expect(r.stderr, v).toMatch(new RegExp(`hex\\.csv:3: column "score": "${v}" is not a number`));
  }
  expect(cli('eval', file('hex.jsonl', '{"label": "0x1", "score": 0.5}\n')).stderr).toMatch(/hex\.jsonl:1: column "label": "0x1" is not a number/);
  // Empty and blank were never numbers (their message is the one they always had).
  expect(cli('eval', file('blank.csv', 'label,score\n1,  \n')).stderr).toMatch(/blank\.csv:2: column "score": score " {2}" is not a finite number/);
  const out = json('eval', file('decimal.csv', 'label,score\n1,1e-3\n+1,.5\n0,-0\n0, -2.5E+1 \n1,7.\n'));
  expect([out.rows, out.auc]).toEqual([5, 1]);
});

test('a column in use twice in the header is an error naming it; unused duplicates are fine', () => {
  const r = cli('eval', file('dup.csv', 'user_id,label,score,score\nu,1,0.5,0.4\n'));
  expect(r.status).toBe(65);
  expect(r.stderr).toMatch(/dup\.csv:1: column "score": is in the header 2 times \(columns 3, 4\)/);
  expect(cli('eval', file('dup-group.csv', 'user_id,label,score,user_id\nu,1,0.5,v\n')).stderr).toMatch(/column "user_id": is in the header 2 times/);
  expect(json('eval', file('dup-unused.csv', 'label,score,,\n1,0.9,,\n0,0.1,,\n')).auc).toBe(1);
  // JSON.parse would keep the last of two equal keys: for a field in use, an error too.
  const keys = cli('eval', file('dup.jsonl', '{"label": 1, "score": 0.1, "sc\\u006fre": 0.9}\n'));
  expect(keys.status).toBe(65);
  expect(keys.stderr).toMatch(/dup\.jsonl:1: column "score": is in the object twice/);
});

test('binary input is named (gzip, UTF-16, zip, Parquet); input text in messages is escaped and cut', () => {
  const csv = 'label,score\n1,0.5\n';
  const cases: [string, Buffer, string][] = [
    ['log.csv.gz', gzipSync(csv), 'looks like gzip-compressed data; decompress it first'],
    ['utf16.csv', Buffer.from(`\ufeff${csv}`, 'utf16le'), 'looks like UTF-16 text; convert it to UTF-8 first'],
    ['utf16-nobom.csv', Buffer.from(csv, 'utf16le'), 'looks like UTF-16 text'],
    ['log.zip', Buffer.concat([Buffer.from('PK\x03\x04\x14\x00\x00\x00', 'latin1'), Buffer.from(csv)]), 'looks like a zip archive'],
    ['log.parquet', Buffer.concat([Buffer.from('PAR1\x15\x04\x15\x00', 'latin1'), Buffer.alloc(64)]), 'looks like a Parquet file'],
  ];
  for (const [name, bytes, message] of cases) {
    const r = cli('eval', file(name, bytes), '--input', 'csv');
    expect(r.status, name).toBe(65);
    expect(r.stderr, name).toContain(`${name}: ${message}`);
    expect(r.stderr, name).toContain('(reckit reads CSV, TSV, JSON Lines, Parquet and Arrow IPC)');
    expect(r.stdout, name).toBe('');
  }
  // A header with terminal escape codes, a long bad value: escaped, cut after 40 characters.
  const raw = /[\x00-\x09\x0b-\x1f\x7f-\x9f]/;
  const header = cli('eval', file('escapes.csv', '\x1b]0;owned\x07\x1b[2J,label,score\n1,1,0.5\n'), '--score', 'p');
  expect(header.status).toBe(65);
  expect(header.stderr).toContain('(columns: "\\u001b]0;owned\\u0007\\u001b[2J", label, score)');
  expect(header.stderr).not.toMatch(raw);
  const value = cli('eval', file('long-value.csv', `label,score\n1,\x1b[31m${'9'.repeat(100)}\n`));
  expect(value.stderr).toContain(`column "score": score "\\u001b[31m${'9'.repeat(35)}…" is not a finite number`);
  expect(value.stderr).not.toMatch(raw);
  const notJson = cli('eval', file('escapes.jsonl', '\x1b[31m{"label": 1}\n'));
  expect(notJson.stderr).toMatch(/escapes\.jsonl:1: is not JSON/);
  expect(notJson.stderr).not.toMatch(raw);
});

test('--version and -v print the package version, exit 0', () => {
  const { version } = JSON.parse(readFileSync('package.json', 'utf8'));
  for (const flag of ['--version', '-v']) {
    const r = cli(flag);
    expect([r.status, r.stdout, r.stderr], flag).toEqual([0, `${version}\n`, '']);
  }
  // Read next to dist at run time: the CLI copied under another package.json (the rest of dist/
  // and node_modules linked) reports that one's, as an installed package would.
  const pkg = join(dir, 'installed');
  mkdirSync(join(pkg, 'dist', 'cli'), { recursive: true });
  writeFileSync(join(pkg, 'package.json'), JSON.stringify({ name: 'reckit', version: '9.8.7', type: 'module' }));
  symlinkSync(resolve('node_modules'), join(pkg, 'node_modules'));
  for (const name of readdirSync('dist')) if (name !== 'cli') symlinkSync(resolve('dist', name), join(pkg, 'dist', name));
  for (const name of readdirSync('dist/cli')) if (name.endsWith('.js')) writeFileSync(join(pkg, 'dist', 'cli', name), readFileSync(join('dist/cli', name)));
  const installed = spawnSync('node', [join(pkg, 'dist', 'cli', 'index.js'), '--version'], { encoding: 'utf8' });
  expect(installed.stdout).toBe('9.8.7\n');
});

test('help, --help, -h and eval --help print the usage, exit 0; no arguments print it on stderr, exit 2', () => {
  const usage = cli('help').stdout;
  for (const part of ['usage: reckit eval <file', '--k <list>', '(default: 10)', 'impressions, clicks or uniform', 'table or json', 'exit codes:', '65  malformed input', '66  the file cannot be read', 'example:\n  reckit eval data/sample.csv']) {
    expect(usage, part).toContain(part);
  }
  for (const args of [['help'], ['--help'], ['-h'], ['eval', '--help'], ['eval', 'data/sample.csv', '-h']]) {
    const r = cli(...args);
    expect([r.status, r.stdout, r.stderr], args.join(' ')).toEqual([0, usage, '']);
  }
  const none = cli();
  expect([none.status, none.stdout, none.stderr]).toEqual([2, '', usage]);
});

test('usage errors are one plain line, never parseArgs text; exit 2', () => {
  const cases: [string[], string][] = [
    [['eval', 'data/sample.csv', '--frobnicate'], 'reckit: unknown option --frobnicate (see reckit eval --help)'],
    [['eval', 'data/sample.csv', '--frobnicate=3'], 'reckit: unknown option --frobnicate (see reckit eval --help)'],
    [['eval', 'data/sample.csv', '-z'], 'reckit: unknown option -z (see reckit eval --help)'],
    [['eval', 'data/sample.csv', '--metric', 'auc'], 'reckit: unknown option --metric; did you mean --metrics? (see reckit eval --help)'],
    [['eval', 'data/sample.csv', '--k'], 'reckit: --k needs a value, e.g. --k 5,10'],
    [['eval', 'data/sample.csv', '--format'], 'reckit: --format needs a value, e.g. --format json'],
    [['eval', 'data/sample.csv', '--k', '--format', 'json'], 'reckit: --k needs a value, e.g. --k 5,10 (a value that starts with a dash goes as --k=-…)'],
    [['eval', 'data/sample.csv', '--help=yes'], 'reckit: --help takes no value'],
    [['evl', 'data/sample.csv'], 'reckit: unknown command "evl"; did you mean "eval"?'],
    [['hlep'], 'reckit: unknown command "hlep"; did you mean "help"?'],
    [['frobnicate'], 'reckit: unknown command "frobnicate" (commands: eval, trec, compare, help; see reckit --help)'],
    [['eval'], 'reckit: eval needs a file, e.g. reckit eval data/sample.csv'],
    [['--k', '5'], 'reckit: no command given; expected reckit eval <file> (see reckit --help)'],
  ];
  for (const [args, message] of cases) {
    const r = cli(...args);
    expect([r.status, r.stdout, r.stderr], args.join(' ')).toEqual([2, '', `${message}\n`]);
  }
  // Option names from the command line are escaped too.
  expect(cli('eval', 'x.csv', '--\x1b[2J').stderr).toBe('reckit: unknown option --\\u001b[2J (see reckit eval --help)\n');
});

test('malformed input: the error first, then the partial metrics marked as such (table and JSON)', () => {
  const f = file('partial-order.csv', 'user_id,label,score\na,1,0.9\na,0,0.1\nb,1,0.2\nb,0,NaN?\nc,1,0.5\n');
  // One stream for both (2>&1): the order as a terminal shows it.
  const table = spawnSync('sh', ['-c', `node dist/cli/index.js eval ${f} 2>&1`], { encoding: 'utf8' });
  expect(table.status).toBe(65);
  const lines = table.stdout.split('\n');
  expect(lines[0]).toMatch(/^reckit: .*partial-order\.csv:5: column "score": score "NaN\?" is not a finite number$/);
  expect(lines.slice(1, 4)).toEqual(['partial results: rows 1–3 before the error (line 5)', `reckit eval ${f} (csv)`, '  rows       3  (2 user_id values)']);
  const json = spawnSync('sh', ['-c', `node dist/cli/index.js eval ${f} --format json 2>&1`], { encoding: 'utf8' });
  expect(json.status).toBe(65);
  const [first, ...rest] = json.stdout.split('\n');
  expect(first).toMatch(/^reckit: .*partial-order\.csv:5: column "score"/);
  const out = JSON.parse(rest.join('\n'));
  expect([out.rows, out.partial.line, out.partial.column]).toEqual([3, 5, 'score']);
  expect(out.partial.error).toMatch(/partial-order\.csv:5: column "score": score "NaN\?" is not a finite number/);
  // A complete file has neither the header line nor the field.
  expect(cli('eval', 'data/sample.csv').stdout).not.toMatch(/partial/);
  expect(JSON.parse(cli('eval', 'data/sample.csv', '--format', 'json').stdout)).not.toHaveProperty('partial');
});

test('the shipped sample as Parquet gives the CSV\'s metrics, and says which format it read', () => {
  const csv = json('eval', 'data/sample.csv');
  const parquet = json('eval', 'data/sample.parquet');
  expect([csv.format, parquet.format]).toEqual(['csv', 'parquet']);
  for (const k of ['rows', 'auc', 'gauc', 'logLoss', 'ranking', 'groups']) expect(parquet[k], k).toEqual(csv[k]);
  expect(cli('eval', 'data/sample.parquet').stdout.split('\n')[0]).toBe('reckit eval data/sample.parquet (parquet)');
});
