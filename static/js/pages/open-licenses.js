// open-licenses: the public list of patent open-license declarations (active ones first shown, or
// withdrawn, or all), each with its terms and a link to the achievement where a license is taken.
// The filter lives in the hash (#/open-licenses?status=withdrawn) so back works.

import { h, append } from '../dom.js';
import { t } from '../i18n.js';
import * as api from '../api.js';
import { field, enumSelect } from '../forms.js';
import { pageTitle, pagedList } from '../ui.js';
import { declarationCard } from './open-license-view.js';

export async function render(ctx) {
  // active unless asked otherwise; "all" shows both states
  const asked = ctx.query.get('status') || 'active';
  const status = asked === 'all' ? '' : asked;
  const sel = enumSelect('open_license_statuses', { 'data-test': 'filter-ol-status' }, null, status);
  sel.insertBefore(h('option', { value: 'all', selected: status === '' }, t('common.all')), sel.firstChild);
  if (status === '') sel.value = 'all';
  sel.addEventListener('change', () => ctx.go(sel.value === 'active' ? '#/open-licenses' : `#/open-licenses?status=${sel.value}`));
  const list = pagedList({
    fetchPage: (cursor) => api.get('/open-licenses', { status, limit: 20, cursor }),
    renderItem: (d) => declarationCard(d),
    empty: t('ol.empty'),
    testName: 'open-licenses',
  });
  append(ctx.root,
    h('p', {}, h('a', { href: '#/pool' }, '← ', t('nav.pool'))),
    pageTitle(t('nav.openLicenses')),
    h('p', { class: 'lead' }, t('ol.listIntro')),
    h('div', { class: 'filters' }, field({ name: 'status', label: t('common.status'), control: sel })),
    list);
  await list.ready;
}
