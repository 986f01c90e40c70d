// admin-dashboard: summary figures, the 4x4 cross-provincial flow heat maps (trials, conversions,
// money), the monthly trend, the by-field, by-city and return-reason tables, date and province
// filters, and CSV/XLSX exports with the same filters.

import { h, append } from '../dom.js';
import { t, enumLabel } from '../i18n.js';
import * as api from '../api.js';
import { formatFen, formatYuanCompact, formatCount, formatRatio, formatMonth, isValidDate } from '../format.js';
import { field, input, enumSelect, formAlert, showClientErrors } from '../forms.js';
import { pageTitle, table, errorBox } from '../ui.js';
import { heatMap, lineChart, barChart } from '../charts.js';

const TILES = [
  ['achievements_listed', 'count'], ['trials_requested', 'count'], ['trials_active', 'count'],
  ['trials_converted', 'count'], ['trials_returned', 'count'], ['trials_expired', 'count'],
  ['trials_declined', 'count'], ['conversion_rate', 'ratio'], ['licensed_fen', 'money'],
  ['paid_fen', 'money'], ['outstanding_fen', 'money'], ['compensated_fen', 'money'],
  ['enterprises_served', 'count'], ['institutions_active', 'count'], ['licenses_signed', 'count'],
  ['median_days_to_decision', 'days'], ['median_days_to_conversion', 'days'],
];

function tileValue(kind, v) {
  if (kind === 'money') return formatFen(v);
  if (kind === 'ratio') return formatRatio(v);
  if (kind === 'days') return v === null || v === undefined ? '—' : t('stats.daysValue', { n: formatCount(Math.round(v * 10) / 10) });
  return formatCount(v);
}

function summaryTiles(sum) {
  return h('div', { class: 'summary-tiles', 'data-test': 'summary' }, TILES.map(([key, kind]) =>
    h('div', { class: 'tile', 'data-test': `stat-${key}` },
      h('span', { class: 'tile-label' }, t(`stats.${key}`)),
      h('span', { class: 'tile-value' }, tileValue(kind, sum[key])))));
}

// /stats/fields may answer {items: [...]}, a bare array, or an object keyed by field.
function fieldRows(body) {
  if (Array.isArray(body)) return body;
  if (body && Array.isArray(body.items)) return body.items;
  if (body && typeof body === 'object') return Object.entries(body).map(([f, v]) => ({ field: f, ...v }));
  return [];
}

function filtersQuery(q) {
  const out = {};
  for (const k of ['from', 'to', 'province']) if (q.get(k)) out[k] = q.get(k);
  return out;
}

function exportHref(path, filters) {
  return api.apiPath(path, filters);
}

export async function render(ctx) {
  const filters = filtersQuery(ctx.query);
  const provinceAdmin = ctx.user.role === 'province_admin';
  if (provinceAdmin && ctx.user.province) filters.province = ctx.user.province;
  const from = input({ type: 'date', value: filters.from || '', 'data-test': 'stats-from' });
  const to = input({ type: 'date', value: filters.to || '', 'data-test': 'stats-to' });
  const province = enumSelect('provinces', { 'data-test': 'stats-province', disabled: provinceAdmin }, t('pool.anyProvince'), filters.province || '');
  const form = h('form', { class: 'filters', 'data-test': 'stats-filters', novalidate: true },
    field({ name: 'from', label: t('stats.from'), control: from }),
    field({ name: 'to', label: t('stats.to'), control: to }),
    field({ name: 'province', label: t('ach.province'), control: province }),
    formAlert(),
    h('div', { class: 'actions' }, h('button', { type: 'submit', class: 'btn btn-primary', 'data-test': 'stats-apply' }, t('stats.apply'))));
  form.addEventListener('submit', (ev) => {
    ev.preventDefault();
    const problems = {};
    if (from.value && !isValidDate(from.value)) problems.from = t('v.date');
    if (to.value && !isValidDate(to.value)) problems.to = t('v.date');
    if (from.value && to.value && from.value > to.value) problems.to = t('v.dateOrder');
    if (!showClientErrors(form, problems)) return;
    const q = new URLSearchParams();
    if (from.value) q.set('from', from.value);
    if (to.value) q.set('to', to.value);
    if (province.value && !provinceAdmin) q.set('province', province.value);
    const qs = q.toString();
    ctx.go(qs ? `#/admin/dashboard?${qs}` : '#/admin/dashboard');
  });
  const exports = h('p', { class: 'actions', 'data-test': 'exports' },
    h('a', { href: exportHref('/exports/trials.csv', filters), class: 'btn', download: 'trials.csv', 'data-test': 'export-csv' }, t('stats.exportCsv')),
    h('a', { href: exportHref('/exports/trials.xlsx', filters), class: 'btn', download: 'trials.xlsx', 'data-test': 'export-xlsx' }, t('stats.exportXlsx')));
  append(ctx.root, pageTitle(t('nav.dashboard')), form, exports);

  const [sum, flows, monthly, fields, regions, returns] = await Promise.allSettled([
    api.get('/stats/summary', filters), api.get('/stats/flows', filters),
    api.get('/stats/monthly', filters), api.get('/stats/fields', filters),
    api.get('/stats/regions', filters), api.get('/stats/returns', filters),
  ]);
  const section = (titleKey, result, build) => h('section', { class: 'dash-section' }, h('h2', {}, t(titleKey)),
    result.status === 'fulfilled' ? build(result.value) : errorBox(result.reason));

  ctx.root.appendChild(section('stats.summary', sum, summaryTiles));
  ctx.root.appendChild(section('stats.flows', flows, (f) => {
    const codes = Array.isArray(f.provinces) ? f.provinces : ['SH', 'JS', 'ZJ', 'AH'];
    const labels = codes.map((c) => enumLabel('provinces', c));
    return h('div', { class: 'chart-row' },
      heatMap({ title: t('stats.flowTrials'), rowLabels: labels, colLabels: labels, values: f.trials || [], rowAxis: t('stats.instSide'), colAxis: t('stats.entSide'), format: formatCount, testName: 'heatmap-trials' }),
      heatMap({ title: t('stats.flowConversions'), rowLabels: labels, colLabels: labels, values: f.conversions || [], rowAxis: t('stats.instSide'), colAxis: t('stats.entSide'), format: formatCount, testName: 'heatmap-conversions' }),
      heatMap({ title: t('stats.flowLicensed'), rowLabels: labels, colLabels: labels, values: f.licensed_fen || [], rowAxis: t('stats.instSide'), colAxis: t('stats.entSide'), format: formatYuanCompact, testName: 'heatmap-licensed' }));
  }));
  ctx.root.appendChild(section('stats.monthly', monthly, (m) => {
    const items = Array.isArray(m.items) ? m.items : [];
    if (items.length === 0) return h('p', { class: 'muted' }, t('common.empty'));
    const labels = items.map((i) => formatMonth(i.month));
    return h('div', { class: 'chart-row' },
      lineChart({
        title: t('stats.trialsPerMonth'), labels, format: (v) => formatCount(Math.round(v)), testName: 'chart-monthly',
        series: [{ name: t('stats.requested'), values: items.map((i) => i.requested || 0) }, { name: t('stats.converted'), values: items.map((i) => i.converted || 0) }],
      }),
      barChart({ title: t('stats.paidPerMonth'), name: t('license.paid'), labels, values: items.map((i) => i.paid_fen || 0), format: formatFen, tickFormat: formatYuanCompact, testName: 'chart-paid' }));
  }));
  ctx.root.appendChild(section('stats.byField', fields, (body) => {
    const rows = fieldRows(body);
    if (rows.length === 0) return h('p', { class: 'muted' }, t('common.empty'));
    return table([t('ach.field'), t('stats.listed'), t('stats.trials'), t('stats.converted')],
      rows.map((r) => [enumLabel('fields', r.field), formatCount(r.listed), formatCount(r.trials), formatCount(r.converted)]),
      { 'data-test': 'fields-table' });
  }));
  ctx.root.appendChild(section('stats.regions', regions, (body) => {
    const rows = Array.isArray(body.items) ? body.items : [];
    if (rows.length === 0) return h('p', { class: 'muted' }, t('common.empty'));
    return table([t('stats.city'), t('ach.province'), t('stats.enterprises'), t('stats.trials'), t('stats.converted'), t('stats.licensedFen')],
      rows.map((r) => [r.name || t('stats.otherCity', { code: r.division }), enumLabel('provinces', r.province), formatCount(r.enterprises),
        formatCount(r.trials), formatCount(r.converted), formatFen(r.licensed_fen)]),
      { 'data-test': 'regions-table' });
  }));
  ctx.root.appendChild(section('stats.returns', returns, (body) => {
    const rows = Array.isArray(body.items) ? body.items : [];
    return table([t('trial.reasonCode'), t('stats.returnedCount'), t('stats.averageRating')],
      rows.map((r) => [enumLabel('return_reason_codes', r.reason_code), formatCount(r.returned),
        r.average_rating === null || r.average_rating === undefined ? '—' : t('trial.ratingValue', { n: (Math.round(r.average_rating * 10) / 10).toString() })]),
      { 'data-test': 'returns-table' });
  }));
}
