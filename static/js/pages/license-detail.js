// license-detail: one license — installments (due, paid, overdue), payments, and for the institution
// the "record a payment" form (Idempotency-Key per submission) and "mark defaulted" with a reason.

import { h, append } from '../dom.js';
import { t, enumLabel } from '../i18n.js';
import * as api from '../api.js';
import { formatFen, formatDate, formatInstant, formatPercentBp, todayShanghai, parseYuanToFen, fenToYuanInput, isValidDate, daysBetween } from '../format.js';
import { field, input, formAlert, showProblem, showClientErrors, busy } from '../forms.js';
import { pageTitle, terms, table, badge, reasonAction, notice } from '../ui.js';
import { dueSummary } from './license-sums.js';

function installmentState(i) {
  const remaining = Number(i.amount_fen) - Number(i.paid_fen || 0);
  if (remaining <= 0) return h('span', { class: 'badge badge-settled' }, t('license.instPaid'));
  if (i.overdue) return h('span', { class: 'badge badge-defaulted', 'data-test': 'inst-overdue' }, t('license.instOverdue'));
  const n = daysBetween(i.due_on);
  return h('span', { class: 'badge' }, n !== null && n >= 0 ? t('license.dueIn', { n }) : t('license.instDue'));
}

function paymentForm(l, ctx) {
  const due = dueSummary(l);
  const suggested = due.overdueFen > 0 ? due.overdueFen : (due.nextDue ? due.nextDue.remaining_fen : l.outstanding_fen);
  const amount = input({ inputmode: 'decimal', value: fenToYuanInput(suggested), 'data-test': 'payment-amount', required: true });
  const paidOn = input({ type: 'date', value: todayShanghai(), 'data-test': 'payment-date', required: true });
  const reference = input({ maxlength: '200', 'data-test': 'payment-reference' });
  const form = h('form', { class: 'panel', 'data-test': 'payment-form', novalidate: true },
    h('h2', {}, t('license.recordPayment')),
    field({ name: 'amount_fen', label: t('license.amountYuan'), control: amount, hint: t('license.outstandingHint', { amount: formatFen(l.outstanding_fen) }) }),
    field({ name: 'paid_on', label: t('license.paidOn'), control: paidOn }),
    field({ name: 'reference', label: t('license.reference'), control: reference }),
    formAlert(),
    h('div', { class: 'actions' }, h('button', { type: 'submit', class: 'btn btn-primary', 'data-test': 'payment-submit' }, t('license.recordPayment'))));
  form.addEventListener('submit', async (ev) => {
    ev.preventDefault();
    const fen = parseYuanToFen(amount.value);
    const problems = {};
    if (fen === null || fen <= 0) problems.amount_fen = t('v.money');
    else if (fen > l.outstanding_fen) problems.amount_fen = t('v.overOutstanding', { amount: formatFen(l.outstanding_fen) });
    if (!isValidDate(paidOn.value)) problems.paid_on = t('v.date');
    if (!showClientErrors(form, problems)) return;
    const key = api.newIdempotencyKey();
    await busy(form, async () => {
      try {
        await api.post(`/licenses/${l.id}/payments`, { amount_fen: fen, paid_on: paidOn.value, reference: reference.value.trim() }, { idempotencyKey: key });
        ctx.rerender();
      } catch (err) {
        showProblem(form, err);
      }
    });
  });
  return form;
}

export async function render(ctx) {
  const id = ctx.params[0];
  const [l, payments] = await Promise.all([
    api.get(`/licenses/${id}`),
    api.get(`/licenses/${id}/payments`).catch(() => ({ items: [] })),
  ]);
  const due = dueSummary(l);
  const isPayee = ctx.user.role === 'institution';
  const inst = Array.isArray(l.installments) ? l.installments : [];
  const back = ctx.user.role === 'enterprise' ? '#/me/licenses' : (isPayee ? '#/inst/licenses' : null);
  append(ctx.root, 
    back ? h('p', {}, h('a', { href: back }, '← ', t(ctx.user.role === 'enterprise' ? 'nav.myLicenses' : 'nav.instLicenses'))) : null,
    pageTitle(t('license.number', { id: l.id }), 'license-title'),
    h('p', { class: 'tags' }, badge('license_statuses', l.status),
      h('a', { href: `#/achievements/${l.achievement_id}`, class: 'tag' }, l.achievement_title || t('license.achievement', { id: l.achievement_id }))),
    h('div', { class: 'summary-tiles', 'data-test': 'license-summary' },
      h('div', { class: 'tile' }, h('span', { class: 'tile-label' }, t('license.total')), h('span', { class: 'tile-value' }, formatFen(l.total_fen))),
      h('div', { class: 'tile' }, h('span', { class: 'tile-label' }, t('license.paid')), h('span', { class: 'tile-value', 'data-test': 'paid' }, formatFen(l.paid_fen))),
      h('div', { class: 'tile' }, h('span', { class: 'tile-label' }, t('license.outstanding')), h('span', { class: 'tile-value', 'data-test': 'outstanding' }, formatFen(l.outstanding_fen))),
      h('div', { class: due.overdueFen > 0 ? 'tile tile-danger' : 'tile' }, h('span', { class: 'tile-label' }, t('license.overdue')), h('span', { class: 'tile-value', 'data-test': 'overdue-total' }, formatFen(due.overdueFen)))),
    terms([
      [t('ach.paymentMode'), enumLabel('payment_modes', l.payment_mode)],
      [t('ach.royalty'), l.royalty_bp ? formatPercentBp(l.royalty_bp) : undefined],
      [t('license.nextDue'), due.nextDue ? `${formatDate(due.nextDue.due_on)} · ${formatFen(due.nextDue.remaining_fen)}` : t('license.nothingDue')],
      [t('license.signedAt'), formatInstant(l.signed_at)],
      [t('license.trial'), `#${l.trial_id}`],
    ]),
    h('h2', {}, t('license.installments')),
    inst.length === 0 ? h('p', { class: 'muted' }, t('license.noInstallments'))
      : table([t('license.dueOn'), t('license.amount'), t('license.paid'), t('common.status')],
        inst.map((i) => ({ attrs: { 'data-test': 'installment' }, cells: [formatDate(i.due_on), formatFen(i.amount_fen), formatFen(i.paid_fen || 0), installmentState(i)] })),
        { 'data-test': 'installments' }),
    h('h2', {}, t('license.payments')),
    (payments.items || []).length === 0 ? h('p', { class: 'muted' }, t('license.noPayments'))
      : table([t('license.paidOn'), t('license.amount'), t('license.reference'), t('license.recordedAt')],
        payments.items.map((p) => ({ attrs: { 'data-test': 'payment' }, cells: [formatDate(p.paid_on), formatFen(p.amount_fen), p.reference || '—', formatInstant(p.recorded_at)] })),
        { 'data-test': 'payments' }));
  if (isPayee && l.status === 'active') {
    if (l.outstanding_fen > 0) ctx.root.appendChild(paymentForm(l, ctx));
    if (due.overdueCount > 0) {
      ctx.root.appendChild(h('div', { class: 'panel' },
        h('h2', {}, t('license.default')),
        h('p', { class: 'muted' }, t('license.defaultHint')),
        reasonAction({
          label: t('license.markDefaulted'), testName: 'license-default',
          onSubmit: async (reason) => {
            await api.post(`/licenses/${l.id}/default`, { reason });
            ctx.rerender();
          },
        })));
    }
  }
  if (l.status === 'settled') ctx.root.appendChild(notice(t('license.settledNote')));
}
