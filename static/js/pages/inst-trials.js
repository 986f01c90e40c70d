// inst-trials: an institution's incoming trial requests (approve, decline with a reason) and its
// active trials (days left, convert into a license, decide a request for more time).

import { h, append } from '../dom.js';
import { t } from '../i18n.js';
import * as api from '../api.js';
import { pageTitle, pagedList, reasonAction, actionButton } from '../ui.js';
import { trialCard } from './trial-card.js';
import { convertForm } from './convert-form.js';

function convertToggle(trial, ctx) {
  const box = h('div', { class: 'convert' });
  const open = h('button', { type: 'button', class: 'btn btn-primary', 'data-test': 'trial-convert', 'aria-expanded': 'false' }, t('convert.open'));
  open.addEventListener('click', () => {
    if (box.querySelector('form')) {
      box.querySelector('form').remove();
      open.setAttribute('aria-expanded', 'false');
      return;
    }
    const form = convertForm(trial, ctx);
    box.appendChild(form);
    open.setAttribute('aria-expanded', 'true');
    form.querySelector('select').focus();
  });
  box.appendChild(open);
  return box;
}

// The pending request for more time, if any: approve, or decline with a reason.
function extensionDecision(trial, ctx) {
  if (!trial.extension || trial.extension.status !== 'pending') return null;
  return h('div', { class: 'actions' },
    actionButton({
      label: t('trial.extensionApprove'), testName: 'extension-approve', kind: 'btn btn-primary',
      onClick: async () => { await api.post(`/trials/${trial.id}/extension/approve`, {}); ctx.rerender(); },
    }),
    reasonAction({
      label: t('trial.extensionDecline'), testName: 'extension-decline',
      onSubmit: async (reason) => { await api.post(`/trials/${trial.id}/extension/decline`, { reason }); ctx.rerender(); },
    }));
}

export async function render(ctx) {
  const requested = pagedList({
    fetchPage: (cursor) => api.get('/trials', { status: 'requested', limit: 20, cursor }),
    renderItem: (trial) => trialCard(trial, {
      side: 'institution',
      actions: [
        actionButton({
          label: t('trial.approve'), testName: 'trial-approve', kind: 'btn btn-primary',
          onClick: async () => { await api.post(`/trials/${trial.id}/approve`, {}); ctx.rerender(); },
        }),
        reasonAction({
          label: t('trial.decline'), testName: 'trial-decline',
          onSubmit: async (reason) => { await api.post(`/trials/${trial.id}/decline`, { reason }); ctx.rerender(); },
        }),
      ],
    }),
    empty: t('trial.noRequests'),
    testName: 'requested-trials',
  });
  const active = pagedList({
    fetchPage: (cursor) => api.get('/trials', { status: 'active', limit: 20, cursor }),
    renderItem: (trial) => trialCard(trial, { side: 'institution', actions: [convertToggle(trial, ctx), extensionDecision(trial, ctx)] }),
    empty: t('trial.noActive'),
    testName: 'active-trials',
  });
  append(ctx.root, pageTitle(t('nav.instTrials')),
    h('section', { 'aria-labelledby': 'sec-requested' }, h('h2', { id: 'sec-requested' }, t('trial.incoming')), requested),
    h('section', { 'aria-labelledby': 'sec-active' }, h('h2', { id: 'sec-active' }, t('trial.activeOnes')), active));
  await Promise.all([requested.ready, active.ready]);
}
