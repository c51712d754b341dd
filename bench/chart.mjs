// A dependency-free SVG chart of a bench run: one panel per workload (Node and Chromium apart),
// bars per implementation and n on a log-scale time axis, each labelled with its median and its
// ratio to the JS baseline. (A plotting library would pull a DOM or canvas into a Node script
// for a few dozen rectangles.)
const colors = ['#4e79a7', '#f28e2b', '#59a14f', '#e15759', '#76b7b2', '#edc948', '#b07aa1', '#ff9da7', '#9c755f', '#bab0ac', '#1b9e77', '#7570b3'];
const esc = (s) => String(s).replace(/&/g, '&amp;').replace(/</g, '&lt;');
// Workload names carry a size detail ("gauc (1e5 groups)"); a panel holds every size of one
// workload, so it is keyed by the name without it and the detail goes under each n.
const panel = (w) => w.replace(/ \(.*?\)/, '');
const detail = (w) => w.match(/ \((.*?)\)/)?.[1] ?? '';

/** `baseline` names the implementation the ratios are taken against, `label` how a ratio reads. */
export function chart(rows, title, { baseline = 'js baseline', label = 'JS' } = {}) {
  const panels = [...new Set(rows.map((r) => panel(r.workload)))];
  const impls = [...new Set(rows.map((r) => r.impl))];
  const sizes = [...new Set(rows.map((r) => r.n))].sort((a, b) => a - b);
  const lo = Math.log10(Math.min(...rows.map((r) => r.ms)) / 2);
  const hi = Math.log10(Math.max(...rows.map((r) => r.ms)) * 2);
  const W = 900, barH = 14, left = 120, right = 120;
  const x = (ms) => left + ((Math.log10(ms) - lo) / (hi - lo)) * (W - left - right);
  let y = 50;
  const parts = [`<text x="10" y="24" font-size="15" font-weight="bold">${esc(title)}</text>`];
  // Legend, three entries a row.
  impls.forEach((impl, i) => {
    const lx = 10 + (i % 3) * 295, ly = 32 + Math.floor(i / 3) * 16;
    parts.push(`<rect x="${lx}" y="${ly}" width="10" height="10" fill="${colors[i % colors.length]}"/><text x="${lx + 14}" y="${ly + 9}" font-size="11">${esc(impl)}</text>`);
  });
  y += Math.ceil(impls.length / 3) * 16;
  for (const w of panels) {
    parts.push(`<text x="10" y="${y + 14}" font-size="13" font-weight="bold">${esc(w)} (median ms, log scale)</text>`);
    y += 22;
    for (const n of sizes) {
      const group = rows.filter((r) => panel(r.workload) === w && r.n === n);
      if (!group.length) continue;
      parts.push(`<text x="10" y="${y + 11}" font-size="11">n = ${n.toExponential(0)}</text>`);
      parts.push(`<text x="10" y="${y + 24}" font-size="9" fill="#555">${esc(detail(group[0].workload))}</text>`);
      const base = group.find((r) => r.impl === baseline)?.ms;
      for (const r of group) {
        const ratio = base && r.impl !== baseline ? ` (${(base / r.ms).toFixed(1)}× ${label})` : '';
        const i = impls.indexOf(r.impl);
        parts.push(`<rect x="${left}" y="${y}" width="${Math.max(1, x(r.ms) - left)}" height="${barH - 2}" fill="${colors[i % colors.length]}"/>`);
        parts.push(`<text x="${x(r.ms) + 4}" y="${y + 10}" font-size="10">${r.ms < 10 ? r.ms.toFixed(2) : r.ms.toFixed(0)} ms${ratio}</text>`);
        y += barH;
      }
      y += 6;
    }
    y += 8;
  }
  return `<svg xmlns="http://www.w3.org/2000/svg" width="${W}" height="${y}" font-family="sans-serif"><rect width="100%" height="100%" fill="white"/>${parts.join('')}</svg>\n`;
}
