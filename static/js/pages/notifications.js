// notifications: the signed-in user's inbox — what happened and what falls due, newest first,
// unread ones marked; opening one marks it read and goes to its page — and the preferences
// (e-mail on or off, the language of notices and e-mails).

import { h, append } from '../dom.js';
import { t, getLang } from '../i18n.js';
import * as api from '../api.js';
import { formatInstant } from '../format.js';
import { field, formAlert, showProblem, busy } from '../forms.js';
import { pageTitle, pagedList, actionButton, notice } from '../ui.js';

// The page a notice is about, for this user.
function subjectHref(subject, user) {
  if (!subject) return '#/';
  switch (subject.type) {
    case 'trial': return user.role === 'institution' ? '#/inst/trials' : '#/me/trials';
    case 'license': return `#/licenses/${subject.id}`;
    case 'achievement': return `#/achievements/${subject.id}`;
    case 'compensation': return '#/admin/compensations';
    default: return '#/';
  }
}

// lang: the language the service wrote the notices in (the user's), which may not be the page's.
function item(n, ctx, lang) {
  const unread = !n.read_at;
  const open = h('a', { href: subjectHref(n.subject, ctx.user), class: 'notice-title', 'data-test': 'notification-open', lang }, n.title);
  open.addEventListener('click', async (ev) => {
    if (!unread) return;
    ev.preventDefault();
    await api.post(`/notifications/${n.id}/read`, {}).catch(() => {});
    ctx.go(open.getAttribute('href'));
  });
  return h('li', { class: unread ? 'card notice-item unread' : 'card notice-item', 'data-test': 'notification', 'data-id': n.id, 'data-kind': n.kind, 'data-unread': unread ? 'true' : 'false' },
    h('h2', { class: 'card-title' }, unread ? h('span', { class: 'unread-dot', 'aria-label': t('notif.unread') }) : null, open),
    h('p', { lang }, n.body),
    h('p', { class: 'muted' }, formatInstant(n.created_at)),
    unread ? h('div', { class: 'actions' }, actionButton({
      label: t('notif.markRead'), testName: 'notification-read', kind: 'btn btn-small',
      onClick: async () => { await api.post(`/notifications/${n.id}/read`, {}); ctx.rerender(); },
    })) : null);
}

function preferencesForm(prefs, ctx) {
  const email = h('input', { type: 'checkbox', checked: prefs.email === true, 'data-test': 'pref-email' });
  const language = h('select', { 'data-test': 'pref-language' },
    h('option', { value: 'zh', selected: prefs.language === 'zh', lang: 'zh-CN' }, '中文'),
    h('option', { value: 'en', selected: prefs.language === 'en', lang: 'en' }, 'English'));
  const saved = h('div', { 'aria-live': 'polite' });
  const form = h('form', { class: 'panel', 'data-test': 'preferences-form', novalidate: true },
    h('h2', {}, t('notif.preferences')),
    field({ name: 'email', label: t('notif.emailOn'), control: email }),
    field({ name: 'language', label: t('notif.language'), control: language, hint: t('notif.languageHint') }),
    formAlert(), saved,
    h('div', { class: 'actions' }, h('button', { type: 'submit', class: 'btn btn-primary', 'data-test': 'pref-save' }, t('common.save'))));
  form.addEventListener('submit', async (ev) => {
    ev.preventDefault();
    saved.textContent = '';
    await busy(form, async () => {
      try {
        await api.put('/me/preferences', { email: email.checked, language: language.value });
        saved.appendChild(notice(t('notif.saved')));
      } catch (err) {
        showProblem(form, err);
      }
    });
  });
  return form;
}

export async function render(ctx) {
  const prefs = await api.get('/me/preferences').catch(() => ({ email: true, language: getLang() }));
  const lang = prefs.language === 'en' ? 'en' : 'zh-CN';
  const list = pagedList({
    fetchPage: (cursor) => api.get('/notifications', { limit: 20, cursor }),
    renderItem: (n) => item(n, ctx, lang),
    empty: t('notif.empty'),
    testName: 'notifications',
  });
  const readAll = actionButton({
    label: t('notif.readAll'), testName: 'notifications-read-all', kind: 'btn',
    onClick: async () => { await api.post('/notifications/read-all', {}); ctx.chrome(); ctx.rerender(); },
  });
  append(ctx.root, pageTitle(t('nav.notifications')), h('p', { class: 'actions' }, readAll), list, preferencesForm(prefs, ctx));
  await list.ready;
}
