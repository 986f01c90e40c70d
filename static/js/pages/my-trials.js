// my-trials: an enterprise's trials with their state, days left and terms; cancel while requested;
// while active the choice "keep it and pay as agreed" (the payments shown before confirming) or
// "give it back" (with a reason, its kind and a rating), more time, and any license proposed.

import { h, append } from '../dom.js';
import { t, enumLabel } from '../i18n.js';
import * as api from '../api.js';
import { formatDate, formatFen, formatPercentBp, todayShanghai, addMonths, daysBetween } from '../format.js';
import { enumSelect, field } from '../forms.js';
import { pageTitle, pagedList, reasonAction, actionButton, table } from '../ui.js';
import { billsRoyalty, scheduleDates, scheduleSum } from '../terms.js';
import { trialCard } from './trial-card.js';

// What keeping the trial costs, shown before the enterprise signs: the license's term from today,
// each payment of the agreed schedule with its date, and the royalty it will report on.
function keepPanel(trial, ctx, close) {
  const tm = trial.terms;
  const today = todayShanghai();
  const payments = scheduleDates(tm.fee_schedule, today);
  const key = api.newIdempotencyKey();
  return h('div', { class: 'panel keep-panel', 'data-test': 'keep-preview' },
    h('h3', { tabindex: '-1' }, t('keep.title')),
    h('p', {}, t('keep.intro', {
      date: formatDate(trial.terms_agreed_on), from: formatDate(today), to: formatDate(addMonths(today, 12 * tm.license_years)),
    })),
    payments.length === 0 ? h('p', { 'data-test': 'keep-no-fixed' }, t('keep.noFixed'))
      : [table([t('license.dueOn'), t('license.amount')],
        payments.map((p) => ({ attrs: { 'data-test': 'keep-payment', 'data-due': p.due_on, 'data-amount': String(p.amount_fen) }, cells: [formatDate(p.due_on), formatFen(p.amount_fen)] })),
        { 'data-test': 'keep-payments' }),
      h('p', { 'data-test': 'keep-total' }, t('keep.total', { amount: formatFen(scheduleSum(tm.fee_schedule)) }))],
    billsRoyalty(tm.payment_mode)
      ? h('p', { 'data-test': 'keep-royalty' }, t('keep.royalty', { rate: formatPercentBp(tm.royalty_bp), base: enumLabel('royalty_bases', tm.royalty_base).toLowerCase() }))
      : null,
    h('div', { class: 'actions' },
      actionButton({
        label: t('keep.confirm'), testName: 'trial-keep-confirm', kind: 'btn btn-primary',
        onClick: async () => {
          const res = await api.post(`/trials/${trial.id}/convert`, {}, { idempotencyKey: key });
          const license = res && (res.license || res);
          ctx.go(license && license.id ? `#/licenses/${license.id}` : '#/me/licenses');
        },
      }),
      h('button', { type: 'button', class: 'btn', on: { click: close } }, t('common.cancel'))));
}

// "Keep it and pay as agreed": opens the payments it leads to, with the button that signs.
function keepAction(trial, ctx) {
  if (!trial.terms || !trial.terms_agreed_on) return null;
  const wrap = h('div', { class: 'keep-action' });
  const open = h('button', { type: 'button', class: 'btn btn-primary', 'data-test': 'trial-keep', 'aria-expanded': 'false' }, t('keep.open'));
  let panel = null;
  const close = () => {
    if (panel) panel.remove();
    panel = null;
    open.setAttribute('aria-expanded', 'false');
    open.focus();
  };
  open.addEventListener('click', () => {
    if (panel) {
      close();
      return;
    }
    panel = keepPanel(trial, ctx, close);
    wrap.appendChild(panel);
    open.setAttribute('aria-expanded', 'true');
    panel.querySelector('h3').focus();
  });
  wrap.appendChild(open);
  return wrap;
}

// Above the actions of an active trial: the decision that is near, and a proposal to answer.
function activeNotes(trial) {
  const notes = [];
  const left = trial.ends_on ? daysBetween(trial.ends_on) : null;
  if (left !== null && left >= 0 && left <= 30) {
    notes.push(h('p', { class: 'alert alert-info', 'data-test': 'decide-soon' },
      left === 0 ? t('trial.decideToday') : t('trial.decideSoon', { n: left })));
  }
  if (trial.proposed_license_id) {
    notes.push(h('p', { class: 'alert alert-info', 'data-test': 'proposal-open' }, t('trial.proposalOpen'), ' ',
      h('a', { href: `#/licenses/${trial.proposed_license_id}`, 'data-test': 'proposal-link' }, t('trial.proposalAnswer'))));
  }
  return notes;
}

function returnAction(trial, ctx) {
  const rating = h('select', { 'data-test': 'trial-return-rating' },
    h('option', { value: '' }, t('trial.ratingNone')),
    [5, 4, 3, 2, 1].map((n) => h('option', { value: String(n) }, t('trial.ratingValue', { n }))));
  return reasonAction({
    label: t('trial.return'), submitLabel: t('trial.returnConfirm'), testName: 'trial-return',
    summary: () => t('trial.returnSummary', { title: trial.achievement_title || '—' }),
    extras: [
      { name: 'reason_code', label: t('trial.reasonCode'),
        control: enumSelect('return_reason_codes', { 'data-test': 'trial-return-code' }, null, 'other') },
      { name: 'rating', label: t('trial.rating'), control: rating },
    ],
    onSubmit: async (reason, extra) => {
      const body = { reason, reason_code: extra.reason_code };
      if (extra.rating) body.rating = Number(extra.rating);
      await api.post(`/trials/${trial.id}/return`, body);
      ctx.rerender();
    },
  });
}

// Asking for more time: while no request is pending and the trial has months left to its limit.
function extensionAction(trial, ctx) {
  const room = (trial.max_trial_months || 0) - trial.planned_months;
  if (room < 1 || (trial.extension && trial.extension.status === 'pending')) return null;
  const months = h('input', { type: 'number', min: '1', max: String(room), step: '1', value: '1',
    inputmode: 'numeric', 'data-test': 'trial-extend-months' });
  return reasonAction({
    label: t('trial.extend'), submitLabel: t('trial.extendConfirm'), testName: 'trial-extend', danger: false,
    extras: [{ name: 'months', label: t('trial.extendMonths'), control: months }],
    onSubmit: async (reason, extra) => {
      await api.post(`/trials/${trial.id}/extension`, { months: Number(extra.months), reason });
      ctx.rerender();
    },
  });
}

export async function render(ctx) {
  const status = ctx.query.get('status') || '';
  const sel = enumSelect('trial_statuses', { 'data-test': 'filter-status' }, t('common.all'), status);
  sel.addEventListener('change', () => ctx.go(sel.value ? `#/me/trials?status=${sel.value}` : '#/me/trials'));
  const actionsFor = (trial) => {
    if (trial.status === 'requested') {
      return [actionButton({
        label: t('trial.cancel'), testName: 'trial-cancel', kind: 'btn',
        summary: () => t('trial.cancelSummary', { title: trial.achievement_title || '—' }),
        onClick: async () => { await api.post(`/trials/${trial.id}/cancel`, {}); ctx.rerender(); },
      })];
    }
    if (trial.status === 'active') {
      return [keepAction(trial, ctx), returnAction(trial, ctx), extensionAction(trial, ctx)].filter(Boolean);
    }
    return [];
  };
  const list = pagedList({
    fetchPage: (cursor) => api.get('/trials', { status, limit: 20, cursor }),
    renderItem: (trial) => trialCard(trial, {
      side: 'enterprise', actions: actionsFor(trial), notes: trial.status === 'active' ? activeNotes(trial) : [],
    }),
    empty: t('trial.noneYet'),
    testName: 'my-trials',
  });
  append(ctx.root, pageTitle(t('nav.myTrials')),
    h('p', { class: 'lead' }, t('trial.myIntro'), ' ', h('a', { href: '#/pool' }, t('nav.pool'))),
    h('div', { class: 'filters' }, field({ name: 'status', label: t('common.status'), control: sel })),
    list);
  await list.ready;
}
