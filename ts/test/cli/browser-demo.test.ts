/**
 * The browser demo (examples/browser) in Debian's Chromium, driven by playwright-core over its
 * Vite dev server (which sends COOP/COEP): the page's metrics, computed in wasm-threads, equal
 * the library's in Node on the same file, and its DIN scores the held-out rows as PyTorch did.
 * Saves a screenshot to test-results/browser-demo.png.
 */
import { mkdirSync, readFileSync } from 'node:fs';
import { afterAll, beforeAll, expect, test } from 'vitest';
import { chromium, type Browser } from 'playwright-core';
import { createServer, type ViteDevServer } from 'vite';
import { auc, aucInterval, averagePrecision, ctrMetrics, gaucReport, init, logLoss, rankingMetrics, reliabilityDiagram, rocCurve } from 'reckit';
import holdout from '../../../data/models/holdout.json';

let server: ViteDevServer;
let browser: Browser;

beforeAll(async () => {
  server = await createServer({ configFile: 'examples/browser/vite.config.js', server: { port: 0 }, logLevel: 'silent' });
  await server.listen();
  browser = await chromium.launch({
    executablePath: process.env.CHROMIUM ?? '/usr/bin/chromium',
    args: ['--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--no-first-run', '--disable-sync'],
  });
}, 60_000);

afterAll(async () => {
  await browser?.close();
  await server?.close();
});

test('the browser demo computes the Node results in wasm-threads and scores the sample with DIN', async () => {
  const page = await browser.newPage({ viewport: { width: 1100, height: 900 } });
  const errors: string[] = [];
  page.on('pageerror', (e) => errors.push(e.message));
  await page.goto(server.resolvedUrls!.local[0]);
  await page.waitForSelector('body[data-ready="1"]', { timeout: 90_000 });
  const got = JSON.parse((await page.getAttribute('body', 'data-results'))!);
  mkdirSync('test-results', { recursive: true });
  await page.screenshot({ path: 'test-results/browser-demo.png', fullPage: true });
  expect(errors).toEqual([]);

  expect(got.backend).toBe('wasm-threads');
  const rows = readFileSync('data/sample.csv', 'utf8').trim().split('\n').slice(1).map((l) => l.split(','));
  const users = Uint32Array.from(rows, (r) => Number(r[0]));
  const labels = Uint8Array.from(rows, (r) => Number(r[2]));
  const scores = Float64Array.from(rows, (r) => Number(r[3]));
  await init();
  const g = gaucReport(labels, scores, users);
  const want = {
    rows: rows.length, auc: auc(labels, scores), gauc: g.value, gaucGroups: g.groups, skippedGroups: g.skippedGroups,
    logLoss: logLoss(labels, scores), averagePrecision: averagePrecision(labels, scores),
    perUserAuc: g.groups, rocPoints: rocCurve(labels, scores).fpr.length,
  };
  const ctr = ctrMetrics(labels, scores);
  Object.assign(want, { normalizedEntropy: ctr.normalizedEntropy, calibration: ctr.calibration, ece: reliabilityDiagram(labels, scores, { bins: 10 }).ece });
  for (const [k, v] of Object.entries(want)) expect(Math.abs(got[k] - v), k).toBeLessThanOrEqual(1e-12 * Math.max(1, Math.abs(v)));
  const ci = aucInterval(labels, scores);
  for (const [i, x] of [ci.lower, ci.upper].entries()) expect(Math.abs(got.aucInterval[i] - x)).toBeLessThanOrEqual(1e-12);
  // The ROC band: 101 points, lower ≤ upper, ending at (1, 1), narrow for 100000 rows.
  const { lower, upper } = got.band as { lower: number[]; upper: number[] };
  expect([lower.length, upper.length]).toEqual([101, 101]);
  expect(lower.every((l, i) => l <= upper[i])).toBe(true);
  expect([lower[100], upper[100]]).toEqual([1, 1]);
  expect(upper[50] - lower[50]).toBeGreaterThan(0);
  expect(upper[50] - lower[50]).toBeLessThan(0.05);
  const ranking = rankingMetrics(labels, scores, { groups: users, k: 10 }).at[10];
  for (const [k, v] of Object.entries(ranking)) expect(Math.abs(got.ranking[k] - v), `ranking ${k}`).toBeLessThanOrEqual(1e-12);
  // The DIN trained in PyTorch: as in ts/test/demo.test.ts (ulp-level tie splits aside).
  expect(got.din.rows).toBe(20_000);
  expect(Math.abs(got.din.auc - holdout.din.auc)).toBeLessThan(1e-6);
  expect(Math.abs(got.din.gauc - holdout.din.gauc)).toBeLessThan(1e-4);
}, 120_000);
