// royalty-reports: the quarterly sales reports of a royalty license — the quarters due (overdue ones
// marked), the enterprise's report form (a quarter from those due, net sales and, when the royalty
// is on profit, profit in yuan; the royalty it will cost shown before sending) and the reports filed.

import { h, clear } from '../dom.js';
import { t } from '../i18n.js';
import * as api from '../api.js';
import { formatFen, formatDate, formatInstant, formatPercentBp, formatQuarter, parseYuanToFen, parseSignedYuanToFen, todayShanghai, addDays } from '../format.js';
import { field, input, textarea, formAlert, showProblem, showClientErrors, busy } from '../forms.js';
import { table } from '../ui.js';
import { royaltyFen } from '../terms.js';

function dueState(d) {
  return d.overdue
    ? h('span', { class: 'badge badge-defaulted', 'data-test': 'report-overdue' }, t('report.overdue'))
    : h('span', { class: 'badge badge-pending' }, t('report.open'));
}

export function reportsDueTable(l) {
  const due = Array.isArray(l.reports_due) ? l.reports_due : [];
  if (due.length === 0) return h('p', { class: 'muted', 'data-test': 'reports-due-none' }, t('report.noneDue'));
  return table([t('report.period'), t('report.dueOn'), t('common.status')],
    due.map((d) => ({ attrs: { 'data-test': 'report-due', 'data-period': d.period, 'data-overdue': d.overdue ? 'true' : 'false' },
      cells: [formatQuarter(d.period), formatDate(d.due_on), dueState(d)] })),
    { 'data-test': 'reports-due' });
}

export function reportForm(l, ctx) {
  const due = Array.isArray(l.reports_due) ? l.reports_due : [];
  const onProfit = l.royalty_base === 'profit';
  const period = h('select', { 'data-test': 'report-period', required: true },
    due.map((d) => h('option', { value: d.period },
      d.overdue ? t('report.periodOverdue', { period: formatQuarter(d.period), date: formatDate(d.due_on) })
        : t('report.periodOption', { period: formatQuarter(d.period), date: formatDate(d.due_on) }))));
  const sales = input({ inputmode: 'decimal', required: true, 'data-test': 'report-net-sales' });
  const profit = input({ inputmode: 'decimal', 'data-test': 'report-profit' });
  const note = textarea({ rows: 2, maxlength: '2000', 'data-test': 'report-note' });
  const cost = h('p', { class: 'sum-line sum-ok', 'aria-live': 'polite', 'data-test': 'report-royalty' });

  function update() {
    clear(cost);
    const baseFen = onProfit ? parseSignedYuanToFen(profit.value) : parseYuanToFen(sales.value);
    if (baseFen === null) return;
    const fen = royaltyFen(l.royalty_bp, baseFen);
    cost.append(fen === 0 ? t('report.costsNone') : t('report.costs', {
      base: formatFen(baseFen), rate: formatPercentBp(l.royalty_bp), amount: formatFen(fen), date: formatDate(addDays(todayShanghai(), 30)),
    }));
  }
  sales.addEventListener('input', update);
  profit.addEventListener('input', update);

  const form = h('form', { class: 'panel', 'data-test': 'report-form', novalidate: true },
    h('h2', {}, t('report.form')),
    field({ name: 'period', label: t('report.period'), control: period }),
    field({ name: 'net_sales_fen', label: t('report.netSales'), control: sales, hint: t('ach.feeHint') }),
    onProfit ? field({ name: 'profit_fen', label: t('report.profit'), control: profit, hint: t('report.profitHint') }) : null,
    field({ name: 'note', label: t('report.note'), control: note, wide: true }),
    cost,
    formAlert(),
    h('div', { class: 'actions' }, h('button', { type: 'submit', class: 'btn btn-primary', 'data-test': 'report-submit' }, t('report.submit'))));
  form.addEventListener('submit', async (ev) => {
    ev.preventDefault();
    const problems = {};
    const body = { period: period.value, net_sales_fen: parseYuanToFen(sales.value) };
    if (!body.period) problems.period = t('v.choose');
    if (body.net_sales_fen === null) problems.net_sales_fen = t('v.money');
    if (onProfit) {
      body.profit_fen = parseSignedYuanToFen(profit.value);
      if (body.profit_fen === null) problems.profit_fen = t('v.money');
    }
    if (note.value.trim()) body.note = note.value.trim();
    if (!showClientErrors(form, problems)) return;
    const key = api.newIdempotencyKey();
    await busy(form, async () => {
      try {
        await api.post(`/licenses/${l.id}/reports`, body, { idempotencyKey: key });
        ctx.rerender();
      } catch (err) {
        showProblem(form, err);
      }
    });
  });
  return form;
}

export function reportsTable(l, reports) {
  const items = reports && Array.isArray(reports.items) ? reports.items : [];
  if (items.length === 0) return h('p', { class: 'muted', 'data-test': 'reports-none' }, t('report.none'));
  const onProfit = l.royalty_base === 'profit';
  const headers = [t('report.period'), t('report.netSales'), onProfit ? t('report.profit') : null, t('report.royalty'), t('report.reportedAt')].filter(Boolean);
  return table(headers, items.map((r) => ({
    attrs: { 'data-test': 'report', 'data-period': r.period },
    cells: [formatQuarter(r.period), formatFen(r.net_sales_fen), onProfit ? formatFen(r.profit_fen) : null,
      h('span', { 'data-test': 'report-royalty-fen' }, formatFen(r.royalty_fen)), formatInstant(r.reported_at)].filter((c) => c !== null),
  })), { 'data-test': 'reports' });
}
