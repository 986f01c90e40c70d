// admin-compensations: risk-compensation claims opened when a license defaults, each named by
// its achievement and both parties; a claim is decided on its own page (admin-compensation.js),
// where the defaulted license is shown, never from the list in one click.

import { h, append, userText } from '../dom.js';
import { t, enumLabel } from '../i18n.js';
import * as api from '../api.js';
import { formatFen, formatInstant, formatPercentBp } from '../format.js';
import { pageTitle, pagedList, terms, badge } from '../ui.js';
import { partyRows, licenseHeading, numbered } from './parties.js';

function claimCard(c) {
  return h('li', { class: 'card', 'data-test': 'compensation', 'data-id': c.id, 'data-status': c.status },
    h('h2', { class: 'card-title' },
      h('a', { href: `#/admin/compensations/${c.id}`, 'data-test': 'compensation-link' },
        numbered(t('comp.number', { id: c.id }), c.achievement_title))),
    h('p', { class: 'tags' }, badge('compensation_statuses', c.status),
      c.province ? h('span', { class: 'tag' }, enumLabel('provinces', c.province)) : null,
      c.above_province_cap ? h('span', { class: 'tag', 'data-test': 'compensation-above-cap' }, t('comp.aboveCap')) : null),
    terms([
      [t('comp.amount'), h('span', { 'data-test': 'compensation-amount' }, formatFen(c.amount_fen))],
      [t('license.outstanding'), formatFen(c.outstanding_fen)],
      [t('comp.ratio'), formatPercentBp(c.ratio_bp)],
      [t('nav.license'), h('a', { href: `#/licenses/${c.license_id}` }, licenseHeading(c))],
      ...partyRows(c),
      [t('comp.defaultReason'), userText(c.reason)],
      [t('comp.opened'), formatInstant(c.created_at)],
      [t('comp.decidedAt'), c.decided_at ? formatInstant(c.decided_at) : undefined],
    ]),
    c.status === 'pending'
      ? h('div', { class: 'actions' }, h('a', { class: 'btn btn-primary', href: `#/admin/compensations/${c.id}`, 'data-test': 'compensation-review' }, t('comp.review')))
      : null);
}

export async function render(ctx) {
  const status = ctx.query.get('status') || '';
  const list = pagedList({
    fetchPage: (cursor) => api.get('/compensations', { status, limit: 20, cursor }),
    renderItem: claimCard,
    empty: t('comp.empty'),
    testName: 'compensations',
  });
  append(ctx.root, pageTitle(t('nav.compensations')), h('p', { class: 'lead' }, t('comp.intro')), list);
  await list.ready;
}
