// home: the landing route. The hero text is static in index.html (shown before scripts run);
// this adds a search box and the newest listed achievements.

import { h, append } from '../dom.js';
import { t } from '../i18n.js';
import * as api from '../api.js';
import { field, input } from '../forms.js';
import { achievementCard } from './cards.js';

export async function render(ctx) {
  const q = input({ type: 'search', 'data-test': 'home-search', placeholder: t('pool.searchPlaceholder') });
  const form = h('form', { class: 'search-bar', role: 'search' },
    field({ name: 'q', label: t('pool.search'), control: q }),
    h('button', { type: 'submit', class: 'btn btn-primary' }, t('pool.searchButton')));
  form.addEventListener('submit', (ev) => {
    ev.preventDefault();
    ctx.go('#/pool?q=' + encodeURIComponent(q.value.trim()));
  });
  const list = h('ul', { class: 'cards', 'data-test': 'newest' });
  append(ctx.root, h('h1', { tabindex: '-1', class: 'visually-hidden' }, t('app.name')), form,
    h('h2', {}, t('home.newest')), list,
    h('p', {}, h('a', { href: '#/pool', class: 'btn' }, t('home.browseAll'))));
  try {
    const page = await api.get('/achievements', { limit: 6 });
    for (const a of page.items || []) list.appendChild(achievementCard(a));
  } catch (err) {
    list.appendChild(h('li', { class: 'muted' }, t('home.unavailable')));
  }
}
