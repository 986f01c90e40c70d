// inst-achievements: an institution's own achievements in every status, with edit, submit for
// review and withdraw, and bulk import from a spreadsheet (import-panel.js).

import { h, append } from '../dom.js';
import { t } from '../i18n.js';
import * as api from '../api.js';
import { enumSelect, field } from '../forms.js';
import { pageTitle, pagedList, actionButton } from '../ui.js';
import { achievementCard } from './cards.js';
import { importPanel } from './import-panel.js';

const EDITABLE = ['draft', 'rejected', 'listed'];
const SUBMITTABLE = ['draft', 'rejected'];

export async function render(ctx) {
  const status = ctx.query.get('status') || '';
  const sel = enumSelect('achievement_statuses', { 'data-test': 'filter-status' }, t('common.all'), status);
  sel.addEventListener('change', () => ctx.go(sel.value ? `#/inst/achievements?status=${sel.value}` : '#/inst/achievements'));
  const actions = (a) => {
    const out = [];
    if (EDITABLE.includes(a.status)) {
      out.push(h('a', { href: `#/inst/achievements/${a.id}/edit`, class: 'btn', 'data-test': 'achievement-edit' }, t('common.edit')));
    }
    if (SUBMITTABLE.includes(a.status)) {
      out.push(actionButton({
        label: t('ach.submit'), testName: 'achievement-submit', kind: 'btn btn-primary',
        onClick: async () => { await api.post(`/achievements/${a.id}/submit`, {}); ctx.rerender(); },
      }));
    }
    if (a.status === 'listed') {
      out.push(actionButton({
        label: t('ach.withdraw'), testName: 'achievement-withdraw', kind: 'btn btn-danger',
        summary: () => t('ach.withdrawSummary', { title: a.title }),
        onClick: async () => { await api.post(`/achievements/${a.id}/withdraw`, {}); ctx.rerender(); },
      }));
    }
    return out.length ? h('div', { class: 'actions' }, out) : null;
  };
  const query = { status, limit: 20 };
  if (ctx.user.institution_id) query.institution_id = ctx.user.institution_id;
  const newList = () => pagedList({
    fetchPage: (cursor) => api.get('/achievements', { ...query, cursor }),
    renderItem: (a) => achievementCard(a, { showStatus: true, extra: actions(a) }),
    empty: t('ach.noneYet'),
    testName: 'my-achievements',
  });
  let list = newList();
  const onImported = () => {
    const fresh = newList();
    list.replaceWith(fresh);
    list = fresh;
  };
  append(ctx.root, pageTitle(t('nav.instAchievements')),
    h('p', { class: 'actions' }, h('a', { href: '#/inst/achievements/new', class: 'btn btn-primary', 'data-test': 'achievement-new' }, t('nav.newAchievement'))),
    importPanel({ onImported }),
    h('div', { class: 'filters' }, field({ name: 'status', label: t('common.status'), control: sel })),
    list);
  await list.ready;
}
