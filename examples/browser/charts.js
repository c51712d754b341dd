// Small SVG charts for the demo: a curve on the unit square and a histogram. (A charting library
// would outweigh the page for two polylines and a row of bars.)
const W = 330, H = 260, PAD = 36, LEFT = 52;
const sx = (x) => LEFT + x * (W - LEFT - PAD);
const sy = (y) => H - PAD - y * (H - 2 * PAD);
const text = (x, y, s, anchor = 'middle') => `<text x="${x}" y="${y}" font-size="11" text-anchor="${anchor}">${s}</text>`;

function frame(title, xLabel, yLabel) {
  const ticks = [0, 0.5, 1].map((t) => text(sx(t), H - PAD + 14, t) + text(LEFT - 6, sy(t) + 4, t, 'end')).join('');
  return `<rect x="${LEFT}" y="${PAD}" width="${W - LEFT - PAD}" height="${H - 2 * PAD}" fill="none" stroke="#999"/>` +
    text(W / 2, 18, title) + text(W / 2, H - 6, xLabel) +
    `<text x="12" y="${H / 2}" font-size="11" text-anchor="middle" transform="rotate(-90 12 ${H / 2})">${yLabel}</text>` + ticks;
}

/** At most ~2000 points of a curve (every k-th, plus the last): enough for 300 pixels. */
function thin(xs, ys) {
  const step = Math.max(1, Math.floor(xs.length / 2000));
  const pts = [];
  for (let i = 0; i < xs.length; i += step) pts.push(`${sx(xs[i]).toFixed(1)},${sy(ys[i]).toFixed(1)}`);
  pts.push(`${sx(xs[xs.length - 1]).toFixed(1)},${sy(ys[ys.length - 1]).toFixed(1)}`);
  return pts.join(' ');
}

/**
 * A curve (x, y in [0, 1]) with an optional diagonal, an optional band (`{ fpr, lower, upper }`:
 * a shaded area between two curves on the same x) and optional point markers.
 */
export function curve(title, xLabel, yLabel, xs, ys, diagonal, band, markers) {
  const diag = diagonal ? `<line x1="${sx(0)}" y1="${sy(0)}" x2="${sx(1)}" y2="${sy(1)}" stroke="#ccc" stroke-dasharray="4"/>` : '';
  const area = band
    ? `<polygon fill="#4e79a7" fill-opacity="0.2" stroke="none" points="${thin(band.fpr, band.upper)} ${thin([...band.fpr].reverse(), [...band.lower].reverse())}"/>`
    : '';
  const dots = markers ? xs.map((x, i) => `<circle cx="${sx(x).toFixed(1)}" cy="${sy(ys[i]).toFixed(1)}" r="3" fill="#4e79a7"/>`).join('') : '';
  return `<svg xmlns="http://www.w3.org/2000/svg" width="${W}" height="${H}">${frame(title, xLabel, yLabel)}${diag}${area}` +
    `<polyline fill="none" stroke="#4e79a7" stroke-width="2" points="${thin(xs, ys)}"/>${dots}</svg>`;
}

/** A histogram of values in [0, 1] in `bins` equal bins. */
export function histogram(title, xLabel, values, bins = 20) {
  const counts = new Array(bins).fill(0);
  for (const v of values) counts[Math.min(bins - 1, Math.floor(v * bins))]++;
  const max = Math.max(1, ...counts);
  const bars = counts.map((c, i) => {
    const h = (c / max) * (H - 2 * PAD);
    return `<rect x="${sx(i / bins) + 1}" y="${sy(0) - h}" width="${(W - LEFT - PAD) / bins - 2}" height="${h}" fill="#59a14f"><title>${c}</title></rect>`;
  }).join('');
  const axes = `<line x1="${LEFT}" y1="${sy(0)}" x2="${W - PAD}" y2="${sy(0)}" stroke="#999"/>` +
    [0, 0.5, 1].map((t) => text(sx(t), H - PAD + 14, t)).join('') + text(LEFT, PAD - 4, `tallest bar: ${max}`, 'start');
  return `<svg xmlns="http://www.w3.org/2000/svg" width="${W}" height="${H}">${text(W / 2, 18, title)}${text(W / 2, H - 6, xLabel)}${axes}${bars}</svg>`;
}
