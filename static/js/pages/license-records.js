// license-records: the legal records of a signed license — its recording with the patent office
// (备案: due 3 months after signing for a license of patents; its state with the due date, overdue
// marked; the institution enters the record number and date) and its technology-contract
// registration (认定登记: either party enters number, date, registry province and amount).

import { h } from '../dom.js';
import { t, enumLabel } from '../i18n.js';
import * as api from '../api.js';
import { formatDate, formatFen, todayShanghai, isValidDate, daysBetween, parseYuanToFen, fenToYuanInput } from '../format.js';
import { field, input, enumSelect, formAlert, showProblem, showClientErrors, busy } from '../forms.js';
import { terms } from '../ui.js';

const SIGNED = ['active', 'settled', 'defaulted'];

function recordingBadge(status) {
  const cls = status === 'done' ? 'badge badge-settled' : status === 'overdue' ? 'badge badge-defaulted' : 'badge badge-pending';
  return h('span', { class: cls, 'data-test': 'recording-status', 'data-status': status }, enumLabel('recording_statuses', status));
}

function dueText(l) {
  const date = formatDate(l.recording_due_on);
  if (l.recording.status === 'done') return date;
  const n = daysBetween(l.recording_due_on);
  if (n === null) return date;
  if (n > 0) return t('rec.dueIn', { date, n });
  if (n === 0) return t('rec.dueToday', { date });
  return t('rec.overdueBy', { date, n: -n });
}

// A date no earlier than the signing and no later than today, as the service accepts.
function dateProblem(value, l) {
  if (!isValidDate(value)) return t('v.date');
  if (value > todayShanghai()) return t('v.notFuture');
  if (l.signed_on && value < l.signed_on) return t('v.notBeforeSigning', { date: formatDate(l.signed_on) });
  return null;
}

// Sends the form's body with PUT to the license's `what` and reloads the page.
function putForm(form, l, what, read, ctx) {
  form.addEventListener('submit', async (ev) => {
    ev.preventDefault();
    const { body, problems } = read();
    if (!showClientErrors(form, problems)) return;
    await busy(form, async () => {
      try {
        await api.put(`/licenses/${l.id}/${what}`, body);
        ctx.rerender();
      } catch (err) {
        showProblem(form, err);
      }
    });
  });
  return form;
}

function recordingForm(l, ctx) {
  const number = input({ maxlength: '100', required: true, 'data-test': 'recording-number' });
  const on = input({ type: 'date', value: todayShanghai(), required: true, 'data-test': 'recording-date' });
  const form = h('form', { class: 'inline-form grid-form', 'data-test': 'recording-form', novalidate: true },
    h('h3', {}, t('rec.form')),
    field({ name: 'record_number', label: t('rec.number'), control: number }),
    field({ name: 'recorded_on', label: t('rec.recordedOn'), control: on }),
    formAlert(),
    h('div', { class: 'actions' }, h('button', { type: 'submit', class: 'btn btn-primary', 'data-test': 'recording-submit' }, t('rec.submit'))));
  return putForm(form, l, 'recording', () => {
    const problems = {};
    const body = { record_number: number.value.trim(), recorded_on: on.value };
    if (!body.record_number) problems.record_number = t('v.required');
    const p = dateProblem(on.value, l);
    if (p) problems.recorded_on = p;
    return { body, problems };
  }, ctx);
}

// null for a license of no patent (nothing to record).
export function recordingSection(l, ctx) {
  const r = l.recording;
  if (!r) return null;
  const institution = ctx.user.role === 'institution';
  return h('section', { class: r.status === 'overdue' ? 'panel panel-danger' : 'panel', 'data-test': 'recording', 'data-status': r.status },
    h('h2', {}, t('rec.title')),
    h('p', { class: 'muted' }, t('rec.intro')),
    terms([
      [t('rec.status'), recordingBadge(r.status)],
      [t('rec.dueOn'), h('span', { 'data-test': 'recording-due', 'data-date': l.recording_due_on }, dueText(l))],
      [t('rec.number'), r.record_number ? h('span', { 'data-test': 'recording-number-value' }, r.record_number) : undefined],
      [t('rec.recordedOn'), r.recorded_on ? formatDate(r.recorded_on) : undefined],
    ]),
    r.status !== 'done' && SIGNED.includes(l.status)
      ? (institution ? recordingForm(l, ctx) : h('p', { class: 'muted', 'data-test': 'recording-waiting' }, t('rec.waiting')))
      : null);
}

function registrationForm(l, ctx) {
  const number = input({ maxlength: '100', required: true, 'data-test': 'registration-number' });
  const on = input({ type: 'date', value: todayShanghai(), required: true, 'data-test': 'registration-date' });
  const province = enumSelect('provinces', { required: true, 'data-test': 'registration-province' }, t('common.choose'), '');
  const amount = input({ inputmode: 'decimal', required: true, value: fenToYuanInput(l.total_fen || 0), 'data-test': 'registration-amount' });
  const form = h('form', { class: 'inline-form grid-form', 'data-test': 'registration-form', novalidate: true },
    h('h3', {}, t('reg.form')),
    field({ name: 'registration_number', label: t('reg.number'), control: number }),
    field({ name: 'registered_on', label: t('reg.registeredOn'), control: on }),
    field({ name: 'registry_province', label: t('reg.province'), control: province }),
    field({ name: 'contract_amount_fen', label: t('reg.amountYuan'), control: amount, hint: t('ach.feeHint') }),
    formAlert(),
    h('div', { class: 'actions' }, h('button', { type: 'submit', class: 'btn btn-primary', 'data-test': 'registration-submit' }, t('reg.submit'))));
  return putForm(form, l, 'registration', () => {
    const problems = {};
    const body = {
      registration_number: number.value.trim(), registered_on: on.value,
      registry_province: province.value, contract_amount_fen: parseYuanToFen(amount.value),
    };
    if (!body.registration_number) problems.registration_number = t('v.required');
    const p = dateProblem(on.value, l);
    if (p) problems.registered_on = p;
    if (!body.registry_province) problems.registry_province = t('v.choose');
    if (body.contract_amount_fen === null) problems.contract_amount_fen = t('v.money');
    return { body, problems };
  }, ctx);
}

export function registrationSection(l, ctx) {
  const g = l.registration;
  const party = ['institution', 'enterprise'].includes(ctx.user.role);
  return h('section', { class: 'panel', 'data-test': 'registration', 'data-registered': g ? 'true' : 'false' },
    h('h2', {}, t('reg.title')),
    h('p', { class: 'muted' }, t('reg.intro')),
    g ? terms([
      [t('reg.number'), h('span', { 'data-test': 'registration-number-value' }, g.registration_number)],
      [t('reg.registeredOn'), formatDate(g.registered_on)],
      [t('reg.province'), enumLabel('provinces', g.registry_province)],
      [t('reg.amount'), h('span', { class: 'money', 'data-test': 'registration-amount-value' }, formatFen(g.contract_amount_fen))],
    ]) : h('p', { 'data-test': 'registration-none' }, t('reg.none')),
    !g && party && SIGNED.includes(l.status) ? registrationForm(l, ctx) : null);
}
