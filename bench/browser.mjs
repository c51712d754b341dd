// The browser leg of `npm run bench`: serves the repository on 127.0.0.1 with COOP/COEP
// headers (so the page is cross-origin isolated and wasm-threads can load), opens
// bench/browser/page.html in Debian's headless Chromium (playwright-core) and returns its rows.
import { createServer } from 'node:http';
import { readFile, stat } from 'node:fs/promises';
import { extname, join, normalize } from 'node:path';
import { chromium } from 'playwright';

const root = new URL('..', import.meta.url).pathname;
const types = { '.html': 'text/html', '.js': 'text/javascript', '.mjs': 'text/javascript', '.wasm': 'application/wasm', '.json': 'application/json' };

async function serve(req, res) {
  let path = normalize(join(root, decodeURIComponent(new URL(req.url, 'http://x').pathname)));
  if (!path.startsWith(root)) return res.writeHead(403).end();
  try {
    // wasm-bindgen-rayon's worker imports its package as a directory ('../../..'), which
    // bundlers resolve to index.js; a plain file server has to do the same.
    if ((await stat(path)).isDirectory()) path = join(path, 'index.js');
    const body = await readFile(path);
    res.writeHead(200, {
      'Content-Type': types[extname(path)] ?? 'application/octet-stream',
      'Cross-Origin-Opener-Policy': 'same-origin',
      'Cross-Origin-Embedder-Policy': 'require-corp',
    });
    res.end(body);
  } catch {
    res.writeHead(404).end();
  }
}

export async function browserRows(sizes, reps) {
  const server = createServer(serve).listen(0, '127.0.0.1');
  await new Promise((r) => server.once('listening', r));
  let browser;
  // Inside the try: a failed launch must still close the server, or it keeps Node alive.
  try {
    browser = await chromium.launch({
      executablePath: process.env.CHROMIUM ?? '/usr/bin/chromium',
      args: ['--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--no-first-run', '--disable-sync'],
    });
    const page = await browser.newPage();
    page.on('pageerror', (e) => console.error(`[page] ${e.message}`));
    await page.goto(`http://127.0.0.1:${server.address().port}/bench/browser/page.html`);
    await page.waitForFunction(() => window.ready === true);
    page.setDefaultTimeout(0);
    const rows = await page.evaluate(([s, r]) => window.run(s, r), [sizes, reps]);
    return rows.map((row) => ({ ...row, workload: `${row.workload} [chromium]` }));
  } finally {
    await browser?.close();
    server.close();
  }
}
