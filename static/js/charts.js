// charts: the dashboard's heat maps, line and bar charts, drawn by Apache ECharts (static/vendor/,
// built by `make vendor`) and loaded only when a chart is first shown. Each chart is a <figure>
// whose canvas is named by the caption, with its numbers in a table under <details> beside it for
// screen readers and for reading exact values. The chart follows the width of its box (phones
// included); ECharts picks round tick values and thins the labels so that none overlap.

import { h } from './dom.js';
import { t, getLang } from './i18n.js';

const ECHARTS_URL = '/vendor/echarts.esm.min.mjs';
const COLOURS = ['#104c96', '#0f7b6c'];
const BAR_COLOUR = '#6d9ad6';
const TEXT = { color: '#4a5563', fontSize: 12 };
// Tooltips drawn into the canvas (not HTML), so that they need no inline styles under the CSP.
const TOOLTIP = { renderMode: 'richText', confine: true };

let library = null;
function echarts() {
  if (!library) library = import(ECHARTS_URL);
  return library;
}

let chartId = 0;

function dataTable(headers, rows) {
  return h('div', { class: 'table-wrap' }, h('table', {},
    h('thead', {}, h('tr', {}, headers.map((x) => h('th', { scope: 'col' }, x)))),
    h('tbody', {}, rows.map((r) => h('tr', {}, r.map((c, i) => (i === 0 ? h('th', { scope: 'row' }, c) : h('td', {}, c))))))));
}

// A figure whose box gets the chart once it is laid out (it has a width), redraws it at each new
// width and lets it go when the box leaves the page. data-ready marks a drawn chart.
function figure({ title, testName, kind, option, table }) {
  chartId += 1;
  const id = `chart-${chartId}`;
  const box = h('div', { class: `chart-box chart-box-${kind}`, role: 'img', 'aria-labelledby': id });
  const fig = h('figure', { class: 'chart', 'data-test': testName },
    h('figcaption', { id }, title), box,
    h('details', {}, h('summary', {}, t('chart.showData')), table));
  let chart = null;
  const observer = new ResizeObserver(async () => {
    if (!box.isConnected || box.clientWidth === 0) {
      if (chart && !box.isConnected) {
        chart.dispose();
        observer.disconnect();
      }
      return;
    }
    if (chart) {
      chart.resize();
      return;
    }
    const ec = await echarts();
    if (chart || !box.isConnected) return;
    chart = ec.init(box, null, { renderer: 'canvas', locale: getLang() === 'en' ? 'EN' : 'ZH' });
    chart.setOption({ textStyle: { fontFamily: getComputedStyle(box).fontFamily }, animation: false, ...option });
    fig.setAttribute('data-ready', 'true');
  });
  observer.observe(box);
  return fig;
}

const num = (v) => Number(v) || 0;

// rows x cols matrix of values; row labels down the side, column labels along the bottom.
export function heatMap({ title, rowLabels, colLabels, values, rowAxis, colAxis, format = String, testName }) {
  const data = [];
  let max = 0;
  rowLabels.forEach((_, i) => colLabels.forEach((__, j) => {
    const v = num((values[i] || [])[j]);
    max = Math.max(max, v);
    data.push([j, i, v]);
  }));
  const option = {
    grid: { left: 8, right: 8, top: 28, bottom: 32, containLabel: true },
    tooltip: { ...TOOLTIP, formatter: (p) => `${rowLabels[p.value[1]]} → ${colLabels[p.value[0]]}: ${format(p.value[2])}` },
    xAxis: { type: 'category', data: colLabels, name: colAxis, nameLocation: 'middle', nameGap: 28, nameTextStyle: TEXT, axisLabel: TEXT, splitArea: { show: true } },
    yAxis: { type: 'category', data: rowLabels, inverse: true, name: rowAxis, nameLocation: 'start', nameTextStyle: { ...TEXT, align: 'right' }, axisLabel: TEXT, splitArea: { show: true } },
    visualMap: { show: false, min: 0, max: Math.max(max, 1), inRange: { color: ['#eef4fc', '#104c96'] } },
    series: [{ type: 'heatmap', data, label: { show: true, fontSize: 13, fontWeight: 'bold', formatter: (p) => format(p.value[2]) } }],
  };
  const table = dataTable([`${rowAxis} \\ ${colAxis}`, ...colLabels],
    rowLabels.map((label, i) => [label, ...colLabels.map((_, j) => format(num((values[i] || [])[j])))]));
  return figure({ title, testName, kind: 'heatmap', option, table });
}

// The axes the line and bar charts share: months along the bottom (ECharts leaves out labels that
// would overlap), figures up the side on round ticks.
function axes(labels, tickFormat, minInterval) {
  return {
    grid: { left: 8, right: 16, top: 32, bottom: 8, containLabel: true },
    xAxis: { type: 'category', data: labels, axisLabel: { ...TEXT, hideOverlap: true }, axisTick: { alignWithLabel: true } },
    yAxis: { type: 'value', minInterval, axisLabel: { ...TEXT, formatter: tickFormat } },
  };
}

// series: [{name, values}] sharing labels (e.g. months); counts, so the ticks are whole numbers.
export function lineChart({ title, labels, series, format = String, testName }) {
  const option = {
    ...axes(labels, format, 1),
    color: COLOURS,
    legend: { top: 0, textStyle: TEXT },
    tooltip: { ...TOOLTIP, trigger: 'axis', valueFormatter: format },
    series: series.map((se) => ({ type: 'line', name: se.name, data: se.values.map(num), symbolSize: 7 })),
  };
  const table = dataTable(['', ...series.map((se) => se.name)],
    labels.map((label, i) => [label, ...series.map((se) => format(se.values[i]))]));
  return figure({ title, testName, kind: 'line', option, table });
}

// minInterval: the smallest step between ticks, in the values' unit (100 for whole yuan in fen).
export function barChart({ title, labels, values, format = String, tickFormat = format, minInterval = 0, name, testName }) {
  const option = {
    ...axes(labels, tickFormat, minInterval),
    tooltip: { ...TOOLTIP, trigger: 'axis', valueFormatter: format },
    series: [{ type: 'bar', name: name || title, data: values.map(num), itemStyle: { color: BAR_COLOUR }, barMaxWidth: 32 }],
  };
  const table = dataTable(['', name || title], labels.map((label, i) => [label, format(values[i])]));
  return figure({ title, testName, kind: 'bar', option, table });
}
