// todo: what waits for the signed-in user (GET /api/v1/me/todo) — each kind with its count, a
// line on what to do and a link to the page where it is done; and the menu's count badge.

import { h, append } from '../dom.js';
import { t } from '../i18n.js';
import * as api from '../api.js';
import { pageTitle } from '../ui.js';

// Where each kind is dealt with, per role where it differs.
const WHERE = {
  trial_requests: '#/inst/trials',
  extension_requests: '#/inst/trials',
  payments_due: { institution: '#/inst/licenses?status=active', enterprise: '#/me/licenses?status=active' },
  recordings_due: '#/inst/licenses', // pending and overdue recordings alike: no one filter holds both
  proposals: '#/me/licenses?status=proposed',
  reports_due: '#/me/licenses?status=active',
  listings_to_review: '#/admin/review',
  claims_to_review: '#/admin/compensations',
};

function whereFor(kind, role) {
  const where = WHERE[kind];
  return typeof where === 'string' ? where : where[role];
}

// The menu link's count: filled in when it arrives, hidden at zero; the link's label says it.
export function todoCount(link) {
  const count = h('span', { class: 'nav-count', 'data-test': 'todo-count', hidden: true });
  link.appendChild(count);
  api.get('/me/todo').then((todo) => {
    const n = Number.isInteger(todo.total) ? todo.total : 0;
    count.textContent = n > 99 ? '99+' : String(n);
    count.hidden = n === 0;
    link.setAttribute('aria-label', n > 0 ? t('todo.navCount', { n }) : t('nav.todo'));
  }).catch(() => {});
}

export async function render(ctx) {
  const todo = await api.get('/me/todo');
  const waiting = todo.items.filter((item) => item.count > 0);
  const list = h('ul', { class: 'cards', 'data-test': 'todo-list' }, todo.items.map((item) => h('li', {
    class: item.count > 0 ? 'card todo-item' : 'card todo-item todo-done', 'data-test': 'todo-item', 'data-kind': item.kind, 'data-count': item.count,
  },
  h('h2', { class: 'card-title' },
    h('a', { href: whereFor(item.kind, ctx.user.role), 'data-test': 'todo-link' }, t(`todo.${item.kind}`)),
    ' ', h('span', { class: item.count > 0 ? 'tag tag-accent' : 'tag', 'data-test': 'todo-item-count' }, String(item.count))),
  h('p', {}, t(`todo.${item.kind}Hint`)))));
  append(ctx.root, pageTitle(t('nav.todo')),
    h('p', { class: 'lead', 'data-test': 'todo-summary' }, waiting.length > 0 ? t('todo.summary', { n: todo.total }) : t('todo.nothing')),
    list);
}
