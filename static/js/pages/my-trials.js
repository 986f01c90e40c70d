// my-trials: an enterprise's trials with their state and days left; cancel while requested,
// return (with a reason) while active.

import { h, append } from '../dom.js';
import { t } from '../i18n.js';
import * as api from '../api.js';
import { enumSelect, field } from '../forms.js';
import { pageTitle, pagedList, reasonAction, actionButton } from '../ui.js';
import { trialCard } from './trial-card.js';

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
      return [reasonAction({
        label: t('trial.return'), submitLabel: t('trial.returnConfirm'), testName: 'trial-return',
        onSubmit: async (reason) => { await api.post(`/trials/${trial.id}/return`, { reason }); ctx.rerender(); },
      })];
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
