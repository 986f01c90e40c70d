// pool: search and filter the listed achievements (q, province, field, kind, open license)
// with keyset "load more". The filters live in the hash (#/pool?q=芯片&province=ZJ) so back works.
// A link leads to the public list of open-license declarations and their terms.

import { h, append } from '../dom.js';
import { t } from '../i18n.js';
import * as api from '../api.js';
import { field, input, enumSelect } from '../forms.js';
import { pageTitle, pagedList } from '../ui.js';
import { achievementCard } from './cards.js';

const KEYS = ['q', 'province', 'field', 'kind', 'open_license'];

export async function render(ctx) {
  const cur = {};
  for (const k of KEYS) cur[k] = ctx.query.get(k) || '';
  const q = input({ type: 'search', value: cur.q, 'data-test': 'pool-search', placeholder: t('pool.searchPlaceholder') });
  const province = enumSelect('provinces', { 'data-test': 'filter-province' }, t('pool.anyProvince'), cur.province);
  const fieldSel = enumSelect('fields', { 'data-test': 'filter-field' }, t('pool.anyField'), cur.field);
  const kind = enumSelect('kinds', { 'data-test': 'filter-kind' }, t('pool.anyKind'), cur.kind);
  const open = h('select', { 'data-test': 'filter-open-license' },
    h('option', { value: '' }, t('pool.anyLicense')),
    h('option', { value: 'true' }, t('pool.openOnly')),
    h('option', { value: 'false' }, t('pool.notOpen')));
  open.value = cur.open_license;
  const form = h('form', { class: 'filters', role: 'search', 'data-test': 'pool-form' },
    field({ name: 'q', label: t('pool.search'), control: q, wide: true }),
    field({ name: 'province', label: t('ach.province'), control: province }),
    field({ name: 'field', label: t('ach.field'), control: fieldSel }),
    field({ name: 'kind', label: t('ach.kind'), control: kind }),
    field({ name: 'open_license', label: t('ach.openLicense'), control: open }),
    h('div', { class: 'actions' },
      h('button', { type: 'submit', class: 'btn btn-primary', 'data-test': 'pool-submit' }, t('pool.searchButton')),
      h('a', { href: '#/pool', class: 'btn' }, t('pool.reset'))));
  form.addEventListener('submit', (ev) => {
    ev.preventDefault();
    const next = new URLSearchParams();
    const values = { q: q.value.trim(), province: province.value, field: fieldSel.value, kind: kind.value, open_license: open.value };
    for (const k of KEYS) if (values[k]) next.set(k, values[k]);
    const s = next.toString();
    ctx.go(s ? '#/pool?' + s : '#/pool');
  });
  const results = pagedList({
    fetchPage: (cursor) => api.get('/achievements', { ...cur, limit: 20, cursor }),
    renderItem: (a) => achievementCard(a),
    empty: t('pool.none'),
  });
  append(ctx.root, pageTitle(t('nav.pool')), h('p', { class: 'lead' }, t('pool.intro')),
    h('p', {}, h('a', { href: '#/open-licenses', 'data-test': 'pool-open-licenses' }, t('ol.listLink'))),
    form,
    h('section', { 'aria-label': t('pool.results') }, results));
  await results.ready;
}
