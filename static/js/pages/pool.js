// pool: search and filter the listed achievements (q, province, field, kind, open license) in an
// order (best match, newest, fee) with keyset "load more", the number of matches, the search's
// words marked in titles and abstracts and keywords that search the pool. The filters live in the
// hash (#/pool?q=芯片&province=ZJ&sort=fee_asc) so back works. A link leads to the public list of
// open-license declarations and their terms.

import { h, append } from '../dom.js';
import { t } from '../i18n.js';
import * as api from '../api.js';
import { field, input, enumSelect } from '../forms.js';
import { pageTitle, pagedList } from '../ui.js';
import { achievementCard } from './cards.js';

const KEYS = ['q', 'province', 'field', 'kind', 'open_license', 'sort'];

// The orders the service offers; relevance only for a search.
const SORTS = ['relevance', 'newest', 'fee_asc', 'fee_desc'];

function sortSelect(value, searching) {
  const sel = h('select', { 'data-test': 'pool-sort' },
    SORTS.filter((s) => searching || s !== 'relevance').map((s) => h('option', { value: s }, t(`pool.sort.${s}`))));
  sel.value = value && (searching || value !== 'relevance') ? value : (searching ? 'relevance' : 'newest');
  return sel;
}

// "23 achievements" (or "more than 1000") above the results, from the first page.
function countLine(page) {
  const n = Number(page && page.total);
  if (!Number.isFinite(n)) return '';
  if (page.total_capped) return t('pool.countCapped', { n });
  return t(n === 1 ? 'pool.countOne' : 'pool.count', { n });
}

export async function render(ctx) {
  const cur = {};
  for (const k of KEYS) cur[k] = ctx.query.get(k) || '';
  if (!cur.q && cur.sort === 'relevance') cur.sort = ''; // only a search has a best match
  const q = input({ type: 'search', value: cur.q, 'data-test': 'pool-search', placeholder: t('pool.searchPlaceholder') });
  const province = enumSelect('provinces', { 'data-test': 'filter-province' }, t('pool.anyProvince'), cur.province);
  const fieldSel = enumSelect('fields', { 'data-test': 'filter-field' }, t('pool.anyField'), cur.field);
  const kind = enumSelect('kinds', { 'data-test': 'filter-kind' }, t('pool.anyKind'), cur.kind);
  const open = h('select', { 'data-test': 'filter-open-license' },
    h('option', { value: '' }, t('pool.anyLicense')),
    h('option', { value: 'true' }, t('pool.openOnly')),
    h('option', { value: 'false' }, t('pool.notOpen')));
  open.value = cur.open_license;
  const sort = sortSelect(cur.sort, Boolean(cur.q));
  let sortChosen = false; // by the person, on this page
  const form = h('form', { class: 'filters', role: 'search', 'data-test': 'pool-form' },
    field({ name: 'q', label: t('pool.search'), control: q, wide: true }),
    field({ name: 'province', label: t('ach.province'), control: province }),
    field({ name: 'field', label: t('ach.field'), control: fieldSel }),
    field({ name: 'kind', label: t('ach.kind'), control: kind }),
    field({ name: 'open_license', label: t('ach.openLicense'), control: open }),
    field({ name: 'sort', label: t('pool.sortBy'), control: sort }),
    h('div', { class: 'actions' },
      h('button', { type: 'submit', class: 'btn btn-primary', 'data-test': 'pool-submit' }, t('pool.searchButton')),
      h('a', { href: '#/pool', class: 'btn' }, t('pool.reset'))));
  form.addEventListener('submit', (ev) => {
    ev.preventDefault();
    const next = new URLSearchParams();
    const text = q.value.trim();
    // an order chosen here or in the address, else the default (best match for a search, else
    // newest), which stays out of the address
    const chosen = sortChosen ? sort.value : cur.sort;
    const order = chosen === 'relevance' || (chosen === 'newest' && !text) ? '' : chosen;
    const values = { q: text, province: province.value, field: fieldSel.value, kind: kind.value, open_license: open.value, sort: order };
    for (const k of KEYS) if (values[k]) next.set(k, values[k]);
    const s = next.toString();
    ctx.go(s ? '#/pool?' + s : '#/pool');
  });
  sort.addEventListener('change', () => {
    sortChosen = true;
    form.requestSubmit();
  });
  const count = h('p', { class: 'muted', 'data-test': 'pool-count', 'aria-live': 'polite' });
  const results = pagedList({
    fetchPage: async (cursor) => {
      const page = await api.get('/achievements', { ...cur, limit: 20, cursor, count: cursor ? undefined : 'true' });
      if (!cursor) count.textContent = countLine(page);
      return page;
    },
    renderItem: (a) => achievementCard(a, { query: cur.q, keywords: true }),
    empty: t('pool.none'),
  });
  append(ctx.root, pageTitle(t('nav.pool')), h('p', { class: 'lead' }, t('pool.intro')),
    h('p', {}, h('a', { href: '#/open-licenses', 'data-test': 'pool-open-licenses' }, t('ol.listLink'))),
    form,
    h('section', { 'aria-label': t('pool.results') }, count, results));
  await results.ready;
}
