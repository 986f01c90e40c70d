// admin-compensation: one risk-compensation claim for those who decide it — the defaulted license
// (achievement, both parties and their contacts, what was owed and paid, the installments past
// due and the quarters not reported) and the reason given for the default. Approving and
// rejecting both take an opinion and then a confirmation that states the amount in yuan and who
// is paid; a claim above the province's cap is approved by a delta administrator only.

import { h, append, userText } from '../dom.js';
import { t, enumLabel } from '../i18n.js';
import * as api from '../api.js';
import { formatFen, formatDate, formatInstant, formatPercentBp, formatQuarter } from '../format.js';
import { textarea, field, formAlert, showProblem, busy, clearErrors, setFieldError } from '../forms.js';
import { pageTitle, terms, table, badge, confirmStep } from '../ui.js';
import { partyRows, licenseName, licenseHeading, numbered } from './parties.js';

// 2500000 -> "25,000.00": the figure the confirmation puts before 元 / yuan.
function yuanFigure(fen) {
  return formatFen(fen).replace('¥', '');
}

function overdueTable(l) {
  const rows = l.overdue_installments || [];
  if (rows.length === 0) return h('p', { class: 'muted', 'data-test': 'claim-overdue-none' }, t('comp.noOverdue'));
  return table([t('license.dueOn'), t('license.kind'), t('license.amount'), t('license.paid'), t('comp.daysOverdue')],
    rows.map((i) => ({
      attrs: { 'data-test': 'claim-overdue', 'data-seq': i.seq },
      cells: [formatDate(i.due_on), enumLabel('installment_kinds', i.kind), formatFen(i.amount_fen), formatFen(i.paid_fen),
        t('comp.days', { n: i.days_overdue })],
    })), { 'data-test': 'claim-overdue-installments' });
}

function reportsOverdue(l) {
  const rows = l.reports_overdue || [];
  if (rows.length === 0) return null;
  return h('section', {}, h('h3', {}, t('comp.reportsOverdue')),
    table([t('report.period'), t('license.dueOn')],
      rows.map((r) => ({ attrs: { 'data-test': 'claim-report-overdue' }, cells: [formatQuarter(r.period), formatDate(r.due_on)] }))));
}

// One decision (approve or reject): the opinion first, then a confirmation naming the amount and
// the payee, then the request.
function decisionAction(c, kind, ctx) {
  const approve = kind === 'approve';
  const testName = `compensation-${kind}`;
  const wrap = h('div', { class: 'reason-action' });
  const open = h('button', { type: 'button', class: approve ? 'btn btn-primary' : 'btn btn-danger', 'data-test': testName },
    approve ? t('comp.approve') : t('comp.reject'));
  const opinion = textarea({ name: 'reason', maxlength: '2000', rows: '3', 'data-test': `${testName}-opinion` });
  const next = h('button', { type: 'button', class: 'btn', 'data-test': `${testName}-next` }, t('comp.next'));
  const editOpinion = () => { next.hidden = false; opinion.readOnly = false; };
  const step = confirmStep({
    testName, label: approve ? t('comp.approveConfirm') : t('comp.rejectConfirm'), danger: !approve,
    backLabel: t('comp.backToOpinion'), onBack: () => { editOpinion(); opinion.focus(); },
  });
  const form = h('form', { class: 'inline-form', hidden: true, novalidate: true, 'data-test': `${testName}-form` },
    field({ name: 'reason', label: t('comp.opinion'), control: opinion, hint: t('comp.opinionHint') }),
    formAlert(),
    h('div', { class: 'actions' }, next,
      h('button', { type: 'button', class: 'btn', on: { click: () => { form.hidden = true; step.box.hidden = true; editOpinion(); open.hidden = false; open.focus(); } } },
        t('common.cancel'))),
    step.box);
  open.addEventListener('click', () => {
    for (const other of ctx.root.querySelectorAll('[data-test=claim-decision] .inline-form')) other.hidden = true;
    for (const other of ctx.root.querySelectorAll('[data-test=claim-decision] .reason-action > button')) other.hidden = false;
    open.hidden = true;
    form.hidden = false;
    opinion.focus();
  });
  next.addEventListener('click', () => {
    clearErrors(form);
    if (!opinion.value.trim()) {
      setFieldError(form, 'reason', t('comp.opinionRequired'));
      opinion.focus();
      return;
    }
    const args = { amount: yuanFigure(c.amount_fen), payee: c.institution_name || t('license.institution'), license: licenseName(c) };
    opinion.readOnly = true;
    next.hidden = true;
    step.show(approve ? t('comp.approveStatement', args) : t('comp.rejectStatement', args));
  });
  form.addEventListener('submit', async (ev) => {
    ev.preventDefault();
    if (!step.shown()) return;   // Enter in the opinion goes through the confirmation
    await busy(form, async () => {
      try {
        await api.post(`/compensations/${c.id}/${kind}`, { reason: opinion.value.trim() });
        ctx.rerender();
      } catch (err) {
        showProblem(form, err);
      }
    });
  });
  wrap.append(open, form);
  return wrap;
}

function decisionSection(c, ctx) {
  if (c.status !== 'pending') {
    return h('section', { class: 'panel', 'data-test': 'claim-decided', 'data-status': c.status },
      h('h2', {}, t('comp.decision')),
      terms([
        [t('common.status'), badge('compensation_statuses', c.status)],
        [t('comp.decidedAt'), formatInstant(c.decided_at)],
        [t('comp.opinion'), h('span', { 'data-test': 'claim-opinion' }, c.decision_reason || '—')],
      ]));
  }
  const mayApprove = !c.above_province_cap || ctx.user.role === 'admin';
  return h('section', { class: 'panel', 'data-test': 'claim-decision' },
    h('h2', {}, t('comp.decision')),
    c.above_province_cap ? h('p', { class: 'alert alert-info', 'data-test': 'compensation-above-cap' }, t('comp.aboveCap')) : null,
    h('div', { class: 'actions' },
      mayApprove ? decisionAction(c, 'approve', ctx) : null,
      decisionAction(c, 'reject', ctx)));
}

export async function render(ctx) {
  const c = await api.get(`/compensations/${ctx.params[0]}`);
  const l = c.license || {};
  append(ctx.root,
    h('p', {}, h('a', { href: '#/admin/compensations' }, '← ', t('nav.compensations'))),
    pageTitle(numbered(t('comp.number', { id: c.id }), c.achievement_title), 'claim-title'),
    h('p', { class: 'tags' }, badge('compensation_statuses', c.status),
      h('span', { class: 'tag' }, enumLabel('provinces', c.province))),
    h('div', { class: 'summary-tiles', 'data-test': 'claim-summary' },
      h('div', { class: 'tile' }, h('span', { class: 'tile-label' }, t('comp.amount')), h('span', { class: 'tile-value', 'data-test': 'claim-amount' }, formatFen(c.amount_fen))),
      h('div', { class: 'tile' }, h('span', { class: 'tile-label' }, t('license.outstanding')), h('span', { class: 'tile-value' }, formatFen(c.outstanding_fen))),
      h('div', { class: 'tile' }, h('span', { class: 'tile-label' }, t('comp.ratio')), h('span', { class: 'tile-value' }, formatPercentBp(c.ratio_bp)))),
    h('h2', {}, t('comp.defaultedLicense')),
    terms([
      [t('nav.license'), h('a', { href: `#/licenses/${c.license_id}`, 'data-test': 'claim-license' }, licenseHeading(c))],
      ...partyRows(c),
      [t('comp.payee'), c.institution_name ? userText(c.institution_name, { 'data-test': 'claim-payee' }) : '—'],
      [t('ach.paymentMode'), l.payment_mode ? enumLabel('payment_modes', l.payment_mode) : undefined],
      [t('license.issued'), Number.isInteger(l.issued_fen) ? formatFen(l.issued_fen) : undefined],
      [t('license.paid'), Number.isInteger(l.paid_fen) ? formatFen(l.paid_fen) : undefined],
      [t('license.signedOn'), l.signed_on ? formatDate(l.signed_on) : undefined],
      [t('comp.defaultedAt'), l.defaulted_at ? formatInstant(l.defaulted_at) : undefined],
      [t('comp.defaultReason'), userText(c.reason, { 'data-test': 'claim-reason' })],
      [t('comp.opened'), formatInstant(c.created_at)],
    ]),
    h('h3', {}, t('comp.overdueInstallments')),
    overdueTable(l),
    reportsOverdue(l),
    decisionSection(c, ctx));
}
