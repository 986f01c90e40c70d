// license-detail: one license. A proposal sits beside the terms agreed for its trial, for the
// enterprise to accept or decline (the institution sees that it waits); a signed license shows its
// terms and term, installments (due, paid, overdue), royalty reports (due, the enterprise's report
// form, those filed), payments, and for the institution the "record a payment" form
// (Idempotency-Key per submission) and "mark defaulted" with a reason. A license taken from an
// open-license declaration says so; a signed license shows its recording and registration
// (license-records.js).

import { h, append, userText } from '../dom.js';
import { t, enumLabel } from '../i18n.js';
import * as api from '../api.js';
import { formatFen, formatDate, formatInstant, todayShanghai, parseYuanToFen, fenToYuanInput, isValidDate, daysBetween } from '../format.js';
import { field, input, formAlert, showProblem, showClientErrors, busy } from '../forms.js';
import { pageTitle, terms, table, badge, reasonAction, actionButton, notice, confirmStep } from '../ui.js';
import { billsRoyalty } from '../terms.js';
import { dueSummary, defaultPossibleFrom } from './license-sums.js';
import { termsList, termsCompare } from './terms-view.js';
import { reportsDueTable, reportForm, reportsTable } from './royalty-reports.js';
import { recordingSection, registrationSection } from './license-records.js';
import { partyRows, licenseName, numbered } from './parties.js';

function installmentState(i) {
  const remaining = Number(i.amount_fen) - Number(i.paid_fen || 0);
  if (remaining <= 0) return h('span', { class: 'badge badge-settled' }, t('license.instPaid'));
  if (i.overdue) return h('span', { class: 'badge badge-defaulted', 'data-test': 'inst-overdue' }, t('license.instOverdue'));
  const n = daysBetween(i.due_on);
  return h('span', { class: 'badge' }, n !== null && n >= 0 ? t('license.dueIn', { n }) : t('license.instDue'));
}

function installmentsTable(inst, { withState = true } = {}) {
  if (inst.length === 0) return h('p', { class: 'muted' }, t('license.noInstallments'));
  const headers = [t('license.dueOn'), t('license.kind'), t('license.amount')];
  if (withState) headers.push(t('license.paid'), t('common.status'));
  return table(headers, inst.map((i) => ({
    attrs: { 'data-test': 'installment', 'data-kind': i.kind || 'fixed' },
    cells: [formatDate(i.due_on), enumLabel('installment_kinds', i.kind || 'fixed'), formatFen(i.amount_fen),
      ...(withState ? [formatFen(i.paid_fen || 0), installmentState(i)] : [])],
  })), { 'data-test': 'installments' });
}

// The license's terms; a license made without terms (before they were agreed in advance) from its fields.
function licenseTerms(l) {
  return l.terms || {
    payment_mode: l.payment_mode, fee_fen: l.total_fen, fee_schedule: [], royalty_bp: l.royalty_bp,
    royalty_base: l.royalty_base, license_years: l.license_years, exclusive: l.exclusive,
  };
}

// The payment form: the amount and the day paid (at most the service's today), then a summary
// to confirm; one Idempotency-Key per confirmed submission.
function paymentForm(l, ctx) {
  const due = dueSummary(l);
  const today = todayShanghai();
  const suggested = due.overdueFen > 0 ? due.overdueFen : (due.nextDue ? due.nextDue.remaining_fen : l.outstanding_fen);
  const amount = input({ inputmode: 'decimal', value: fenToYuanInput(suggested), 'data-test': 'payment-amount', required: true });
  const paidOn = input({ type: 'date', value: today, max: today, 'data-test': 'payment-date', required: true });
  const reference = input({ maxlength: '200', 'data-test': 'payment-reference' });
  const controls = [amount, paidOn, reference];
  const submit = h('button', { type: 'submit', class: 'btn btn-primary', 'data-test': 'payment-submit' }, t('license.recordPayment'));
  const editable = (yes) => {
    for (const c of controls) c.readOnly = !yes;
    submit.hidden = !yes;
  };
  const step = confirmStep({ testName: 'payment', label: t('license.paymentConfirm'), onBack: () => { editable(true); amount.focus(); } });
  const form = h('form', { class: 'panel', 'data-test': 'payment-form', novalidate: true },
    h('h2', {}, t('license.recordPayment')),
    field({ name: 'amount_fen', label: t('license.amountYuan'), control: amount, hint: t('license.outstandingHint', { amount: formatFen(l.outstanding_fen) }) }),
    field({ name: 'paid_on', label: t('license.paidOn'), control: paidOn, hint: t('license.paidOnHint', { date: formatDate(today) }) }),
    field({ name: 'reference', label: t('license.reference'), control: reference }),
    formAlert(),
    h('div', { class: 'actions' }, submit),
    step.box);
  let key = null;
  form.addEventListener('submit', async (ev) => {
    ev.preventDefault();
    const fen = parseYuanToFen(amount.value);
    const problems = {};
    if (fen === null || fen <= 0) problems.amount_fen = t('v.money');
    else if (fen > l.outstanding_fen) problems.amount_fen = t('v.overOutstanding', { amount: formatFen(l.outstanding_fen) });
    if (!isValidDate(paidOn.value)) problems.paid_on = t('v.date');
    else if (paidOn.value > todayShanghai()) problems.paid_on = t('v.notFuture');
    if (!showClientErrors(form, problems)) return;
    if (!step.shown()) {
      editable(false);
      key = api.newIdempotencyKey();
      step.show(t('license.paymentSummary', { amount: formatFen(fen), date: formatDate(paidOn.value), license: licenseName(l) }));
      return;
    }
    await busy(form, async () => {
      try {
        await api.post(`/licenses/${l.id}/payments`, { amount_fen: fen, paid_on: paidOn.value, reference: reference.value.trim() }, { idempotencyKey: key });
        ctx.rerender(t('license.paymentRecorded', { amount: formatFen(fen) }));
      } catch (err) {
        step.box.hidden = true;
        editable(true);
        showProblem(form, err);
      }
    });
  });
  return form;
}

// While something is overdue: "mark defaulted" once it may be (90 days past the due day), before
// that the day from which it may.
function defaultSection(l, ctx) {
  const overdue = dueSummary(l).overdueCount > 0 || (l.reports_due || []).some((d) => d.overdue);
  const from = defaultPossibleFrom(l);
  if (!overdue || !from) return null;
  if (from > todayShanghai()) {
    return h('div', { class: 'panel', 'data-test': 'default-not-yet', 'data-date': from },
      h('h2', {}, t('license.default')),
      h('p', {}, t('license.defaultFrom', { date: formatDate(from) })));
  }
  return h('div', { class: 'panel' },
    h('h2', {}, t('license.default')),
    h('p', { class: 'muted' }, t('license.defaultHint')),
    reasonAction({
      label: t('license.markDefaulted'), testName: 'license-default',
      summary: () => t('license.defaultSummary', { license: licenseName(l), amount: formatFen(l.outstanding_fen) }),
      onSubmit: async (reason) => {
        await api.post(`/licenses/${l.id}/default`, { reason });
        ctx.rerender(t('license.defaulted'));
      },
    }));
}

// A proposal beside the agreed terms of its trial; the enterprise answers, the institution waits.
function proposalSection(l, trial, ctx) {
  const agreed = trial && trial.terms ? trial.terms : null;
  const enterprise = ctx.user.role === 'enterprise';
  const inst = Array.isArray(l.installments) ? l.installments : [];
  return h('section', { class: 'panel', 'data-test': 'proposal' },
    h('p', {}, t('license.proposalIntro')),
    agreed
      ? termsCompare(licenseTerms(l), agreed, { leftLabel: t('license.compareProposal'), rightLabel: t('license.compareAgreed'), testName: 'proposal-compare' })
      : [termsList(licenseTerms(l), { testName: 'proposal-terms' }), h('p', { class: 'muted' }, t('terms.none'))],
    terms([
      [t('terms.agreedOn'), agreed && trial.terms_agreed_on ? t('license.agreedIn', { id: trial.id, date: formatDate(trial.terms_agreed_on) }) : undefined],
      [t('license.proposedAt'), formatInstant(l.proposed_at)],
    ]),
    h('h3', {}, t('license.proposedInstallments')),
    installmentsTable(inst, { withState: false }),
    enterprise
      ? h('div', { class: 'actions' },
        actionButton({
          label: t('license.accept'), testName: 'license-accept', kind: 'btn btn-primary',
          summary: () => t('license.acceptSummary', { license: licenseName(l), amount: formatFen(l.total_fen) }),
          onClick: async () => { await api.post(`/licenses/${l.id}/accept`, {}); ctx.rerender(t('license.accepted')); },
        }),
        reasonAction({
          label: t('license.decline'), submitLabel: t('license.declineConfirm'), testName: 'license-decline',
          summary: () => t('license.declineSummary', { license: licenseName(l) }),
          onSubmit: async (reason) => { await api.post(`/licenses/${l.id}/decline`, { reason }); ctx.rerender(); },
        }))
      : h('p', { class: 'alert alert-info', 'data-test': 'proposal-waiting' }, t('license.proposalWaiting')));
}

function declinedSection(l) {
  return h('section', { 'data-test': 'proposal-declined' },
    h('div', { class: 'alert alert-error', role: 'status' }, t('license.declinedNote', { reason: l.decline_reason || '—' })),
    termsList(licenseTerms(l), { testName: 'license-terms' }),
    terms([[t('license.proposedAt'), formatInstant(l.proposed_at)], [t('license.declinedAt'), formatInstant(l.declined_at)]]));
}

function tile(label, value, testName, danger = false) {
  return h('div', { class: danger ? 'tile tile-danger' : 'tile' },
    h('span', { class: 'tile-label' }, label), h('span', { class: 'tile-value', 'data-test': testName }, value));
}

function signedSections(l, trial, payments, reports, ctx) {
  const due = dueSummary(l);
  const royalty = billsRoyalty(l.payment_mode);
  const inst = Array.isArray(l.installments) ? l.installments : [];
  const agreedIn = trial && trial.terms_agreed_on
    ? h('span', { 'data-test': 'terms-agreed-on' }, t('license.agreedIn', { id: trial.id, date: formatDate(trial.terms_agreed_on) })) : undefined;
  const out = [
    h('div', { class: royalty ? 'summary-tiles summary-tiles-5' : 'summary-tiles', 'data-test': 'license-summary' },
      tile(royalty ? t('terms.fee') : t('license.total'), formatFen(l.total_fen), 'total'),
      royalty ? tile(t('license.issued'), formatFen(l.issued_fen), 'issued') : null,
      tile(t('license.paid'), formatFen(l.paid_fen), 'paid'),
      tile(t('license.outstanding'), formatFen(l.outstanding_fen), 'outstanding'),
      tile(t('license.overdue'), formatFen(due.overdueFen), 'overdue-total', due.overdueFen > 0)),
    h('h2', {}, t('license.terms')),
    termsList(licenseTerms(l), {
      testName: 'license-terms',
      // a schedule reads "days after conversion"; a license taken from a declaration converted
      // nothing, and its installments below say when the fee is due
      omit: l.source === 'open_license' ? ['max_trial_months', 'fee_schedule'] : ['max_trial_months'],
      extra: [
        [t('license.signedOn'), l.signed_on ? formatDate(l.signed_on) : formatInstant(l.signed_at)],
        [t('license.endsOn'), l.ends_on ? formatDate(l.ends_on) : undefined],
        [t('license.nextDue'), due.nextDue ? `${formatDate(due.nextDue.due_on)} · ${formatFen(due.nextDue.remaining_fen)}`
          : (due.overdueFen > 0 ? t('license.overdueAmount', { amount: formatFen(due.overdueFen) }) : t('license.nothingDue'))],
        [t('license.source'), l.source === 'open_license' && l.open_license_id
          ? h('a', { href: `#/achievements/${l.achievement_id}`, 'data-test': 'license-source', 'data-source': 'open_license' },
            t('license.fromOpenLicense', { id: l.open_license_id })) : undefined],
        [t('license.trial'), l.trial_id && !agreedIn ? `#${l.trial_id}` : undefined],
        [t('terms.agreedOn'), agreedIn],
      ],
    }),
    recordingSection(l, ctx),
    registrationSection(l, ctx),
    h('h2', {}, t('license.installments')),
    installmentsTable(inst),
  ];
  if (royalty) {
    const reportsDue = Array.isArray(l.reports_due) ? l.reports_due : [];
    out.push(h('section', { 'data-test': 'royalty-reports' },
      h('h2', {}, t('report.title')),
      h('h3', {}, t('report.due')),
      reportsDueTable(l),
      ctx.user.role === 'enterprise' && l.status === 'active' && reportsDue.length > 0 ? reportForm(l, ctx) : null,
      h('h3', {}, t('report.past')),
      reportsTable(l, reports)));
  }
  out.push(h('h2', {}, t('license.payments')),
    (payments.items || []).length === 0 ? h('p', { class: 'muted' }, t('license.noPayments'))
      : table([t('license.paidOn'), t('license.amount'), t('license.reference'), t('license.recordedAt')],
        payments.items.map((p) => ({ attrs: { 'data-test': 'payment' }, cells: [formatDate(p.paid_on), formatFen(p.amount_fen), p.reference || '—', formatInstant(p.recorded_at)] })),
        { 'data-test': 'payments' }));
  if (ctx.user.role === 'institution' && l.status === 'active') {
    if (l.outstanding_fen > 0) out.push(paymentForm(l, ctx));
    out.push(defaultSection(l, ctx));
  }
  if (l.status === 'settled') out.push(notice(t('license.settledNote')));
  return out;
}

export async function render(ctx) {
  const id = ctx.params[0];
  const l = await api.get(`/licenses/${id}`);
  const signed = !['proposed', 'declined'].includes(l.status);
  const [payments, reports, trial, declaration] = await Promise.all([
    signed ? api.get(`/licenses/${id}/payments`).catch(() => ({ items: [] })) : { items: [] },
    signed && billsRoyalty(l.payment_mode) ? api.get(`/licenses/${id}/reports`, { limit: 100 }).catch(() => ({ items: [] })) : { items: [] },
    l.trial_id ? api.get(`/trials/${l.trial_id}`).catch(() => null) : null,
    l.open_license_id ? api.get(`/open-licenses/${l.open_license_id}`).catch(() => null) : null,
  ]);
  const achievementTitle = l.achievement_title || (trial && trial.achievement_title) || (declaration && declaration.achievement_title);
  const isPayee = ctx.user.role === 'institution';
  const back = ctx.user.role === 'enterprise' ? '#/me/licenses' : (isPayee ? '#/inst/licenses' : null);
  append(ctx.root,
    back ? h('p', {}, h('a', { href: back }, '← ', t(ctx.user.role === 'enterprise' ? 'nav.myLicenses' : 'nav.instLicenses'))) : null,
    pageTitle(numbered(t('license.number', { id: l.id }), achievementTitle), 'license-title'),
    h('p', { class: 'tags' }, badge('license_statuses', l.status),
      h('a', { href: `#/achievements/${l.achievement_id}`, class: 'tag' }, achievementTitle ? userText(achievementTitle) : t('license.achievement', { id: l.achievement_id })),
      l.source === 'open_license' ? h('span', { class: 'tag tag-accent', 'data-test': 'open-license-source' }, t('license.openLicenseTag')) : null),
    h('div', { 'data-test': 'license-parties' }, terms(partyRows(l))),
    l.status === 'proposed' ? proposalSection(l, trial, ctx)
      : l.status === 'declined' ? declinedSection(l)
        : signedSections(l, trial, payments, reports, ctx));
}
