// my-trials: an enterprise's trials with their state and days left; cancel while requested,
// while active return (with a reason, its kind and a rating) or ask for more time.

import { h, append } from '../dom.js';
import { t } from '../i18n.js';
import * as api from '../api.js';
import { enumSelect, field } from '../forms.js';
import { pageTitle, pagedList, reasonAction, actionButton } from '../ui.js';
import { trialCard } from './trial-card.js';

function returnAction(trial, ctx) {
  const rating = h('select', { 'data-test': 'trial-return-rating' },
    h('option', { value: '' }, t('trial.ratingNone')),
    [5, 4, 3, 2, 1].map((n) => h('option', { value: String(n) }, t('trial.ratingValue', { n }))));
  return reasonAction({
    label: t('trial.return'), submitLabel: t('trial.returnConfirm'), testName: 'trial-return',
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
        onClick: async () => { await api.post(`/trials/${trial.id}/cancel`, {}); ctx.rerender(); },
      })];
    }
    if (trial.status === 'active') {
      return [returnAction(trial, ctx), extensionAction(trial, ctx)];
    }
    return [];
  };
  const list = pagedList({
    fetchPage: (cursor) => api.get('/trials', { status, limit: 20, cursor }),
    renderItem: (trial) => trialCard(trial, { side: 'enterprise', actions: actionsFor(trial) }),
    empty: t('trial.noneYet'),
    testName: 'my-trials',
  });
  append(ctx.root, pageTitle(t('nav.myTrials')),
    h('p', { class: 'lead' }, t('trial.myIntro'), ' ', h('a', { href: '#/pool' }, t('nav.pool'))),
    h('div', { class: 'filters' }, field({ name: 'status', label: t('common.status'), control: sel })),
    list);
  await list.ready;
}
