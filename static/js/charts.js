// charts: SVG heat map, line chart and bar chart drawn with DOM APIs (createElementNS), no library.
// Each chart is a <figure> with an accessible name and its numbers in a table under <details>.

import { h } from './dom.js';
import { t } from './i18n.js';

const NS = 'http://www.w3.org/2000/svg';

function s(tag, attrs = {}, text) {
  const el = document.createElementNS(NS, tag);
  for (const [k, v] of Object.entries(attrs)) el.setAttribute(k, String(v));
  if (text !== undefined) el.textContent = String(text);
  return el;
}

// The smallest 1/2/5 × 10^k that is >= x (at least 1).
export function niceCeil(x) {
  if (!(x > 0)) return 1;
  const p = 10 ** Math.floor(Math.log10(x));
  for (const m of [1, 2, 5, 10]) if (m * p >= x) return m * p;
  return 10 * p;
}

let chartId = 0;

function figure(title, svg, dataTable, testName) {
  chartId += 1;
  const id = `chart-${chartId}`;
  svg.setAttribute('role', 'img');
  svg.setAttribute('aria-labelledby', id);
  return h('figure', { class: 'chart', 'data-test': testName },
    h('figcaption', { id }, title),
    svg,
    h('details', {}, h('summary', {}, t('chart.showData')), dataTable));
}

function dataTable(headers, rows) {
  return h('div', { class: 'table-wrap' }, h('table', {},
    h('thead', {}, h('tr', {}, headers.map((x) => h('th', { scope: 'col' }, x)))),
    h('tbody', {}, rows.map((r) => h('tr', {}, r.map((c, i) => (i === 0 ? h('th', { scope: 'row' }, c) : h('td', {}, c))))))));
}

// Blends from a pale to a deep blue by f in [0, 1].
function heatColour(f) {
  const a = [238, 244, 252];
  const b = [16, 76, 150];
  const c = a.map((x, i) => Math.round(x + (b[i] - x) * f));
  return `rgb(${c[0]},${c[1]},${c[2]})`;
}

// rows x cols matrix of counts; row labels down the side, column labels on top.
export function heatMap({ title, rowLabels, colLabels, values, rowAxis, colAxis, format = String, testName }) {
  const cell = 72;
  const left = 96;
  const top = 56;
  const width = left + cell * colLabels.length + 8;
  const height = top + cell * rowLabels.length + 8;
  const svg = s('svg', { viewBox: `0 0 ${width} ${height}`, class: 'heatmap', preserveAspectRatio: 'xMinYMin meet' });
  let max = 0;
  for (const row of values) for (const v of row) max = Math.max(max, Number(v) || 0);
  svg.appendChild(s('text', { x: left + (cell * colLabels.length) / 2, y: 14, 'text-anchor': 'middle', class: 'axis-title' }, colAxis));
  svg.appendChild(s('text', { x: 4, y: top - 8, class: 'axis-title' }, rowAxis));
  colLabels.forEach((label, j) => {
    svg.appendChild(s('text', { x: left + j * cell + cell / 2, y: top - 8, 'text-anchor': 'middle', class: 'axis-label' }, label));
  });
  rowLabels.forEach((label, i) => {
    svg.appendChild(s('text', { x: left - 8, y: top + i * cell + cell / 2 + 5, 'text-anchor': 'end', class: 'axis-label' }, label));
    colLabels.forEach((colLabel, j) => {
      const v = Number((values[i] || [])[j]) || 0;
      const f = max > 0 ? v / max : 0;
      const g = s('g', {});
      const rect = s('rect', { x: left + j * cell + 2, y: top + i * cell + 2, width: cell - 4, height: cell - 4, rx: 4, fill: heatColour(f) });
      rect.appendChild(s('title', {}, `${label} → ${colLabel}: ${format(v)}`));
      g.appendChild(rect);
      g.appendChild(s('text', {
        x: left + j * cell + cell / 2, y: top + i * cell + cell / 2 + 5, 'text-anchor': 'middle',
        class: f > 0.55 ? 'cell-value cell-value-dark' : 'cell-value',
      }, format(v)));
      svg.appendChild(g);
    });
  });
  const table = dataTable([`${rowAxis} \\ ${colAxis}`, ...colLabels],
    rowLabels.map((label, i) => [label, ...colLabels.map((_, j) => format(Number((values[i] || [])[j]) || 0))]));
  return figure(title, svg, table, testName);
}

function frame(labels, max, format, plot) {
  const width = 640;
  const height = 260;
  const m = { left: 64, right: 12, top: 12, bottom: 40 };
  const w = width - m.left - m.right;
  const hgt = height - m.top - m.bottom;
  const svg = s('svg', { viewBox: `0 0 ${width} ${height}`, class: 'linechart', preserveAspectRatio: 'xMinYMin meet' });
  const top = niceCeil(max);
  for (let k = 0; k <= 4; k += 1) {
    const y = m.top + hgt - (hgt * k) / 4;
    svg.appendChild(s('line', { x1: m.left, x2: m.left + w, y1: y, y2: y, class: 'grid' }));
    svg.appendChild(s('text', { x: m.left - 6, y: y + 4, 'text-anchor': 'end', class: 'axis-label' }, format((top * k) / 4)));
  }
  const n = labels.length;
  const step = n > 0 ? w / n : w;
  const every = Math.max(1, Math.ceil(n / 8));
  labels.forEach((label, i) => {
    if (i % every !== 0 && i !== n - 1) return;
    svg.appendChild(s('text', { x: m.left + step * i + step / 2, y: height - m.bottom + 18, 'text-anchor': 'middle', class: 'axis-label' }, label));
  });
  const yOf = (v) => m.top + hgt - (hgt * (Number(v) || 0)) / top;
  const xOf = (i) => m.left + step * i + step / 2;
  plot(svg, { xOf, yOf, step, base: m.top + hgt });
  return svg;
}

// series: [{name, values, cls}] sharing labels (e.g. months).
export function lineChart({ title, labels, series, format = String, testName }) {
  let max = 0;
  for (const se of series) for (const v of se.values) max = Math.max(max, Number(v) || 0);
  max = Math.max(max, 4); // whole-number ticks for small counts
  const svg = frame(labels, max, format, (root, { xOf, yOf }) => {
    series.forEach((se, k) => {
      const pts = se.values.map((v, i) => `${xOf(i)},${yOf(v)}`).join(' ');
      root.appendChild(s('polyline', { points: pts, class: `series series-${k}` }));
      se.values.forEach((v, i) => {
        const dot = s('circle', { cx: xOf(i), cy: yOf(v), r: 3.5, class: `dot series-${k}` });
        dot.appendChild(s('title', {}, `${se.name} · ${labels[i]}: ${format(v)}`));
        root.appendChild(dot);
      });
    });
  });
  const legend = h('ul', { class: 'legend' }, series.map((se, k) => h('li', { class: `legend-${k}` }, se.name)));
  const fig = figure(title, svg, dataTable(['', ...series.map((se) => se.name)],
    labels.map((label, i) => [label, ...series.map((se) => format(se.values[i]))])), testName);
  fig.insertBefore(legend, fig.querySelector('details'));
  return fig;
}

export function barChart({ title, labels, values, format = String, tickFormat = format, name, testName }) {
  let max = 0;
  for (const v of values) max = Math.max(max, Number(v) || 0);
  const svg = frame(labels, max, tickFormat, (root, { xOf, yOf, step, base }) => {
    values.forEach((v, i) => {
      const y = yOf(v);
      const bw = Math.max(2, step * 0.6);
      const bar = s('rect', { x: xOf(i) - bw / 2, y, width: bw, height: Math.max(0, base - y), class: 'bar' });
      bar.appendChild(s('title', {}, `${labels[i]}: ${format(v)}`));
      root.appendChild(bar);
    });
  });
  return figure(title, svg, dataTable(['', name || title], labels.map((label, i) => [label, format(values[i])])), testName);
}
