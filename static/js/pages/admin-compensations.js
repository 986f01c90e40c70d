// admin-compensations: risk-compensation claims opened when a license defaults; province admins
// approve them, except claims above the province's cap for one claim, which a delta admin approves.

import { h, append } from '../dom.js';
import { t, enumLabel } from '../i18n.js';
import * as api from '../api.js';
import { formatFen, formatInstant, formatPercentBp } from '../format.js';
import { pageTitle, pagedList, actionButton, terms, badge } from '../ui.js';

const DONE = ['approved', 'rejected', 'paid'];

function claimAmount(c) {
  for (const k of ['amount_fen', 'claim_fen', 'compensation_fen']) {
    if (Number.isInteger(c[k])) return c[k];
  }
  return null;
}

export async function render(ctx) {
  const list = pagedList({
    fetchPage: (cursor) => api.get('/compensations', { limit: 20, cursor }),
    renderItem: (c) => h('li', { class: 'card', 'data-test': 'compensation', 'data-id': c.id },
      h('h2', { class: 'card-title' }, t('comp.number', { id: c.id })),
      h('p', { class: 'tags' }, c.status ? badge('compensation_statuses', c.status) : null,
        c.province || c.institution_province ? h('span', { class: 'tag' }, enumLabel('provinces', c.province || c.institution_province)) : null,
        c.above_province_cap ? h('span', { class: 'tag', 'data-test': 'compensation-above-cap' }, t('comp.aboveCap')) : null),
      terms([
        [t('comp.amount'), formatFen(claimAmount(c))],
        [t('license.outstanding'), Number.isInteger(c.outstanding_fen) ? formatFen(c.outstanding_fen) : undefined],
        [t('comp.ratio'), Number.isInteger(c.ratio_bp) ? formatPercentBp(c.ratio_bp) : undefined],
        [t('nav.license'), c.license_id ? h('a', { href: `#/licenses/${c.license_id}` }, `#${c.license_id}`) : undefined],
        [t('trial.enterprise'), c.enterprise_name || undefined],
        [t('license.institution'), c.institution_name || undefined],
        [t('common.reason'), c.reason || undefined],
        [t('comp.opened'), c.created_at ? formatInstant(c.created_at) : undefined],
        [t('comp.decidedAt'), c.decided_at ? formatInstant(c.decided_at) : undefined],
      ]),
      DONE.includes(c.status) || (c.above_province_cap && ctx.user.role !== 'admin') ? null : h('div', { class: 'actions' }, actionButton({
        label: t('comp.approve'), testName: 'compensation-approve', kind: 'btn btn-primary',
        onClick: async () => { await api.post(`/compensations/${c.id}/approve`, {}); ctx.rerender(); },
      }))),
    empty: t('comp.empty'),
    testName: 'compensations',
  });
  append(ctx.root, pageTitle(t('nav.compensations')), h('p', { class: 'lead' }, t('comp.intro')), list);
  await list.ready;
}
