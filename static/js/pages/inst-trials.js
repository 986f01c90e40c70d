// inst-trials: an institution's incoming trial requests with the terms they ask for — set beside
// the standard terms when they differ — to approve (which agrees the terms) or decline, and its
// active trials (days left, the agreed terms, propose a license or follow the open proposal,
// decide a request for more time); and all its trials, past ones included, filtered by status in
// the hash (#/inst/trials?status=converted).

import { h, append } from '../dom.js';
import { t } from '../i18n.js';
import * as api from '../api.js';
import { pageTitle, pagedList, reasonAction, actionButton, errorBox } from '../ui.js';
import { enumSelect, field } from '../forms.js';
import { standardTermsOf } from '../terms.js';
import { trialCard } from './trial-card.js';
import { convertForm } from './convert-form.js';
import { termsCompare } from './terms-view.js';

// Requested terms other than the standard ones, beside the achievement's standard terms now
// (fetched once per achievement), so the institution sees what approving agrees to.
function differingTerms(trial, standards) {
  if (!trial.terms || trial.terms_standard !== false) return null;
  const box = h('div', { class: 'terms-differ', 'data-test': 'terms-differ' },
    h('p', { class: 'alert alert-info' }, t('terms.differsNote')));
  if (!standards.has(trial.achievement_id)) {
    standards.set(trial.achievement_id, api.get(`/achievements/${trial.achievement_id}`).then(standardTermsOf));
  }
  standards.get(trial.achievement_id).then((std) => {
    box.appendChild(termsCompare(trial.terms, std, { leftLabel: t('terms.compareRequested'), rightLabel: t('terms.compareStandard') }));
  }).catch((err) => box.appendChild(errorBox(err)));
  return box;
}

// The open proposal of an active trial: a link to it and its state.
function proposalNote(trial) {
  return h('p', { class: 'alert alert-info', 'data-test': 'proposal-open' },
    h('a', { href: `#/licenses/${trial.proposed_license_id}`, 'data-test': 'proposal-link' },
      t('trial.proposalWaiting', { id: trial.proposed_license_id })));
}

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
  const standards = new Map();
  const requested = pagedList({
    fetchPage: (cursor) => api.get('/trials', { status: 'requested', limit: 20, cursor }),
    renderItem: (trial) => trialCard(trial, {
      side: 'institution',
      termsExtra: differingTerms(trial, standards),
      actions: [
        actionButton({
          label: t('trial.approve'), testName: 'trial-approve', kind: 'btn btn-primary',
          summary: () => t('trial.approveSummary', { enterprise: trial.enterprise_name || '—', title: trial.achievement_title || '—', n: trial.planned_months }),
          onClick: async () => { await api.post(`/trials/${trial.id}/approve`, {}); ctx.rerender(t('trial.approved')); },
        }),
        reasonAction({
          label: t('trial.decline'), testName: 'trial-decline',
          summary: () => t('trial.declineSummary', { enterprise: trial.enterprise_name || '—', title: trial.achievement_title || '—' }),
          onSubmit: async (reason) => { await api.post(`/trials/${trial.id}/decline`, { reason }); ctx.rerender(); },
        }),
      ],
    }),
    empty: t('trial.noRequests'),
    testName: 'requested-trials',
  });
  const active = pagedList({
    fetchPage: (cursor) => api.get('/trials', { status: 'active', limit: 20, cursor }),
    renderItem: (trial) => trialCard(trial, {
      side: 'institution',
      notes: trial.proposed_license_id ? [proposalNote(trial)] : [],
      actions: [trial.proposed_license_id ? null : convertToggle(trial, ctx), extensionDecision(trial, ctx)].filter(Boolean),
    }),
    empty: t('trial.noActive'),
    testName: 'active-trials',
  });
  const status = ctx.query.get('status') || '';
  const sel = enumSelect('trial_statuses', { 'data-test': 'filter-trial-status' }, t('common.all'), status);
  sel.addEventListener('change', () => ctx.go(sel.value ? `#/inst/trials?status=${sel.value}` : '#/inst/trials'));
  const all = pagedList({
    fetchPage: (cursor) => api.get('/trials', { status, limit: 20, cursor }),
    renderItem: (trial) => trialCard(trial, { side: 'institution' }),
    empty: t('trial.noneFiltered'),
    testName: 'all-trials',
  });
  append(ctx.root, pageTitle(t('nav.instTrials')),
    h('section', { 'aria-labelledby': 'sec-requested' }, h('h2', { id: 'sec-requested' }, t('trial.incoming')), requested),
    h('section', { 'aria-labelledby': 'sec-active' }, h('h2', { id: 'sec-active' }, t('trial.activeOnes')), active),
    h('section', { 'aria-labelledby': 'sec-all' }, h('h2', { id: 'sec-all' }, t('trial.allOnes')),
      h('div', { class: 'filters' }, field({ name: 'trial-status', label: t('common.status'), control: sel })), all));
  await Promise.all([requested.ready, active.ready, all.ready]);
}
