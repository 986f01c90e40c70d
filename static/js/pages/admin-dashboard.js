// admin-dashboard: summary figures in groups (trials, money, reach, open licensing and legal
// records), the 4x4 cross-provincial flow heat maps (trials, conversions, money), the monthly trend,
// the by-field, by-city and return-reason tables, date and province filters, CSV/XLSX exports with
// the same filters, and the annual report workbook for a chosen year.

import { h, append, userText } from '../dom.js';
import { t, enumLabel, enumOptions, getLang } from '../i18n.js';
import * as api from '../api.js';
import { formatFen, formatYuan, formatYuanCompact, formatCount, formatRatio, formatMonth, isValidDate, todayShanghai } from '../format.js';
import { field, input, enumSelect, formAlert, showClientErrors } from '../forms.js';
import { pageTitle, table, errorBox } from '../ui.js';
import { heatMap, lineChart, barChart } from '../charts.js';

// The summary in the groups a provincial report is read in: [key, kind, unit] per figure. Counts
// carry a measure word in Chinese (项, 家); money is in yuan with 元 beside it.
const SUMMARY_GROUPS = [
  ['stats.groupTrials', [
    ['achievements_listed', 'count', 'items'], ['trials_requested', 'count', 'items'], ['trials_active', 'count', 'items'],
    ['trials_converted', 'count', 'items'], ['trials_returned', 'count', 'items'], ['trials_expired', 'count', 'items'],
    ['trials_declined', 'count', 'items'], ['conversion_rate', 'ratio'],
  ]],
  ['stats.groupMoney', [
    ['licenses_signed', 'count', 'items'], ['licensed_fen', 'money'], ['paid_fen', 'money'],
    ['outstanding_fen', 'money'], ['compensated_fen', 'money'],
  ]],
  ['stats.groupReach', [
    ['enterprises_served', 'count', 'orgs'], ['institutions_active', 'count', 'orgs'],
    ['median_days_to_decision', 'days'], ['median_days_to_conversion', 'days'],
  ]],
  ['stats.groupLicensing', [
    ['open_licenses_declared', 'count', 'items'], ['open_licenses_taken', 'count', 'items'],
    ['contracts_registered', 'count', 'items'], ['registered_amount_fen', 'money'], ['recordings_overdue', 'count', 'items'],
  ], 'stats.licensingNote'],
];

const COUNT_UNITS = { items: 'stats.unitItems', orgs: 'stats.unitOrgs' };

// A figure as [value, unit]; the unit is '' where the language writes none (English counts).
function figure(kind, unit, v) {
  if (v === null || v === undefined) return ['—', ''];
  if (kind === 'money') return [formatYuan(v), t('stats.unitYuan')];
  if (kind === 'ratio') return [formatRatio(v), ''];
  if (kind === 'days') {
    const n = Math.round(v * 10) / 10;
    return [formatCount(n), t(n === 1 ? 'stats.unitDay' : 'stats.unitDays')];
  }
  return [formatCount(v), COUNT_UNITS[unit] ? t(COUNT_UNITS[unit]) : ''];
}

// Admins have no list of licenses in the UI (only each license's page), so the overdue recordings
// are a figure to follow up, marked when there are any, not a link.
function tile(key, kind, unit, v) {
  const [value, unitText] = figure(kind, unit, v);
  const alarming = key === 'recordings_overdue' && Number(v) > 0;
  return h('div', { class: alarming ? 'tile tile-danger' : 'tile', 'data-test': `stat-${key}` },
    h('span', { class: 'tile-label' }, t(`stats.${key}`)),
    h('span', { class: 'tile-figure' }, h('span', { class: 'tile-value' }, value),
      unitText ? h('span', { class: 'tile-unit' }, unitText) : null));
}

function summaryTiles(sum) {
  return h('div', { 'data-test': 'summary' }, SUMMARY_GROUPS.map(([titleKey, figures, noteKey]) =>
    h('div', { class: 'summary-group' },
      h('h3', {}, t(titleKey)),
      noteKey ? h('p', { class: 'muted summary-note' }, t(noteKey)) : null,
      h('div', { class: figures.length === 5 ? 'summary-tiles summary-tiles-5' : 'summary-tiles' },
        figures.map(([key, kind, unit]) => tile(key, kind, unit, sum[key]))))));
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

// The years the annual report offers: this year on the service's calendar and the nine before it,
// newest first, with the previous year chosen (the one a report is filed for); the service takes
// 2000 to 2100.
export function reportYears(today) {
  const m = /^(\d{4})-\d{2}-\d{2}$/.exec(today || '');
  const current = m ? Number(m[1]) : 2000;
  const years = [];
  for (let y = current; y > current - 10 && y >= 2000; y -= 1) years.push(y);
  return { years, selected: years.length > 1 ? current - 1 : current };
}

// The annual report for a year: a plain link, as the trial exports, since the session cookie goes
// with it; the year picker points it at that year's workbook.
function annualReport(user) {
  const { years, selected } = reportYears(todayShanghai());
  const year = h('select', { 'data-test': 'annual-year' },
    years.map((y) => h('option', { value: String(y), selected: y === selected }, t('stats.yearOption', { year: y }))));
  year.value = String(selected);
  const link = h('a', { class: 'btn btn-primary', 'data-test': 'export-annual' }, t('stats.annualDownload'));
  const point = () => {
    link.href = exportHref('/exports/annual-report.xlsx', { year: year.value });
    link.setAttribute('download', `annual-report-${year.value}.xlsx`);
  };
  year.addEventListener('change', point);
  point();
  const own = user.role === 'province_admin' && user.province;
  return h('section', { class: 'panel annual-report', 'data-test': 'annual-report' },
    h('h2', {}, t('stats.annualReport')),
    h('p', { class: 'muted' }, t('stats.annualIntro'), ' ',
      own ? t('stats.annualSheetsOwn', { province: enumLabel('provinces', user.province) }) : t('stats.annualSheetsAll')),
    h('div', { class: 'annual-row' }, field({ name: 'year', label: t('stats.annualYear'), control: year }), link));
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
  // the trial exports for officials, in the page's language
  const labelled = { ...filters, labels: getLang() };
  const exports = h('p', { class: 'actions', 'data-test': 'exports' },
    h('a', { href: exportHref('/exports/trials.csv', labelled), class: 'btn', download: 'trials.csv', 'data-test': 'export-csv' }, t('stats.exportCsv')),
    h('a', { href: exportHref('/exports/trials.xlsx', labelled), class: 'btn', download: 'trials.xlsx', 'data-test': 'export-xlsx' }, t('stats.exportXlsx')));
  append(ctx.root, pageTitle(t('nav.dashboard')), form, exports, annualReport(ctx.user));

  const [sum, flows, monthly, fields, regions, returns] = await Promise.allSettled([
    api.get('/stats/summary', filters), api.get('/stats/flows', filters),
    api.get('/stats/monthly', filters), api.get('/stats/fields', filters),
    api.get('/stats/regions', filters), api.get('/stats/returns', filters),
  ]);
  const section = (titleKey, result, build) => h('section', { class: 'dash-section' }, h('h2', {}, t(titleKey)),
    result.status === 'fulfilled' ? build(result.value) : errorBox(result.reason));

  ctx.root.appendChild(section('stats.summary', sum, summaryTiles));
  ctx.root.appendChild(section('stats.flows', flows, (f) => {
    const codes = Array.isArray(f.provinces) ? f.provinces : enumOptions('provinces').map((o) => o.value);
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
      barChart({ title: t('stats.paidPerMonth'), name: t('license.paid'), labels, values: items.map((i) => i.paid_fen || 0), format: formatFen, tickFormat: formatYuanCompact, minInterval: 100, testName: 'chart-paid' }));
  }));
  ctx.root.appendChild(section('stats.byField', fields, (body) => {
    const rows = fieldRows(body);
    if (rows.length === 0) return h('p', { class: 'muted' }, t('common.empty'));
    return table([t('ach.field'), t('stats.listed'), t('stats.trials'), t('stats.converted')],
      rows.map((r) => [enumLabel('fields', r.field), formatCount(r.listed), formatCount(r.trials), formatCount(r.converted)]),
      { 'data-test': 'fields-table' }, { numeric: [1, 2, 3] });
  }));
  ctx.root.appendChild(section('stats.regions', regions, (body) => {
    const rows = Array.isArray(body.items) ? body.items : [];
    if (rows.length === 0) return h('p', { class: 'muted' }, t('common.empty'));
    return table([t('stats.city'), t('ach.province'), t('stats.enterprises'), t('stats.trials'), t('stats.converted'), t('stats.licensedYuan')],
      rows.map((r) => [r.name ? userText(r.name) : t('stats.otherCity', { code: r.division }), enumLabel('provinces', r.province), formatCount(r.enterprises),
        formatCount(r.trials), formatCount(r.converted), formatYuan(r.licensed_fen)]),
      { 'data-test': 'regions-table' }, { numeric: [2, 3, 4, 5] });
  }));
  ctx.root.appendChild(section('stats.returns', returns, (body) => {
    const rows = Array.isArray(body.items) ? body.items : [];
    if (rows.length === 0) return h('p', { class: 'muted' }, t('common.empty'));
    return table([t('trial.reasonCode'), t('stats.returnedCount'), t('stats.averageRating')],
      rows.map((r) => [enumLabel('return_reason_codes', r.reason_code), formatCount(r.returned),
        r.average_rating === null || r.average_rating === undefined ? '—' : t('trial.ratingValue', { n: (Math.round(r.average_rating * 10) / 10).toString() })]),
      { 'data-test': 'returns-table' }, { numeric: [1, 2] });
  }));
}
