// admin-review: the review queue of submitted (pending) achievements for admins and province admins;
// approve, or reject with a reason.

import { h, append } from '../dom.js';
import { t } from '../i18n.js';
import * as api from '../api.js';
import { pageTitle, pagedList, reasonAction, actionButton, terms } from '../ui.js';
import { achievementCard, achievementTitle } from './cards.js';

function patents(a) {
  const list = Array.isArray(a.patent_numbers) ? a.patent_numbers : [];
  return list.length ? list.join(', ') : '—';
}

export async function render(ctx) {
  const list = pagedList({
    fetchPage: (cursor) => api.get('/achievements', { status: 'pending', limit: 20, cursor }),
    renderItem: (a) => achievementCard(a, {
      showStatus: true,
      extra: [
        terms([[t('ach.patents'), patents(a)], [t('ach.maturity'), a.maturity ? `TRL ${a.maturity}` : null]]),
        h('div', { class: 'actions' },
          actionButton({
            label: t('review.approve'), testName: 'review-approve', kind: 'btn btn-primary',
            summary: () => t('review.approveSummary', { title: achievementTitle(a) }),
            onClick: async () => { await api.post(`/achievements/${a.id}/approve`, {}); ctx.rerender(); },
          }),
          reasonAction({
            label: t('review.reject'), testName: 'review-reject',
            summary: () => t('review.rejectSummary', { title: achievementTitle(a) }),
            onSubmit: async (reason) => { await api.post(`/achievements/${a.id}/reject`, { reason }); ctx.rerender(); },
          })),
      ],
    }),
    empty: t('review.empty'),
    testName: 'review-queue',
  });
  append(ctx.root, pageTitle(t('nav.review')), h('p', { class: 'lead' }, t('review.intro')), list);
  await list.ready;
}
