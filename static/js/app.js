// app: starts the single-page UI — language, session, header navigation and the hash router
// that picks one page module per route (#/pool, #/achievements/42, #/me/trials, ...).

import { h, clear, userText } from './dom.js';
import { t, initLang, setLang, getLang, onLangChange, enumLabel } from './i18n.js';
import { currentUser, refreshUser, signOut, loadMeta, isAdmin } from './session.js';
import { errorBox, loading, notice } from './ui.js';
import * as api from './api.js';
import * as home from './pages/home.js';
import * as pool from './pages/pool.js';
import * as achievement from './pages/achievement.js';
import * as signin from './pages/signin.js';
import * as signup from './pages/signup.js';
import * as myTrials from './pages/my-trials.js';
import * as licenses from './pages/licenses.js';
import * as licenseDetail from './pages/license-detail.js';
import * as instAchievements from './pages/inst-achievements.js';
import * as achievementForm from './pages/achievement-form.js';
import * as instTrials from './pages/inst-trials.js';
import * as review from './pages/admin-review.js';
import * as notifications from './pages/notifications.js';
import * as compensations from './pages/admin-compensations.js';
import * as compensation from './pages/admin-compensation.js';
import * as dashboard from './pages/admin-dashboard.js';
import * as openLicenses from './pages/open-licenses.js';
import * as todo from './pages/todo.js';

const ADMINS = ['admin', 'province_admin'];
const ROUTES = [
  { path: /^\/?$/, page: home, title: 'nav.home' },
  { path: /^\/pool$/, page: pool, title: 'nav.pool' },
  { path: /^\/achievements\/(\d+)$/, page: achievement, title: 'nav.pool' },
  { path: /^\/open-licenses$/, page: openLicenses, title: 'nav.openLicenses' },
  { path: /^\/signin$/, page: signin, title: 'nav.signin' },
  { path: /^\/signup$/, page: signup, title: 'nav.signup' },
  { path: /^\/me\/trials$/, page: myTrials, title: 'nav.myTrials', roles: ['enterprise'] },
  { path: /^\/me\/licenses$/, page: licenses, title: 'nav.myLicenses', roles: ['enterprise'] },
  { path: /^\/licenses\/(\d+)$/, page: licenseDetail, title: 'nav.license', roles: ['enterprise', 'institution', ...ADMINS] },
  { path: /^\/inst\/achievements$/, page: instAchievements, title: 'nav.instAchievements', roles: ['institution'] },
  { path: /^\/inst\/achievements\/new$/, page: achievementForm, title: 'nav.newAchievement', roles: ['institution'] },
  { path: /^\/inst\/achievements\/(\d+)\/edit$/, page: achievementForm, title: 'nav.editAchievement', roles: ['institution'] },
  { path: /^\/inst\/trials$/, page: instTrials, title: 'nav.instTrials', roles: ['institution'] },
  { path: /^\/inst\/licenses$/, page: licenses, title: 'nav.instLicenses', roles: ['institution'] },
  { path: /^\/admin\/review$/, page: review, title: 'nav.review', roles: ADMINS },
  { path: /^\/admin\/compensations$/, page: compensations, title: 'nav.compensations', roles: ADMINS },
  { path: /^\/admin\/compensations\/(\d+)$/, page: compensation, title: 'nav.compensations', roles: ADMINS },
  { path: /^\/admin\/dashboard$/, page: dashboard, title: 'nav.dashboard', roles: ADMINS },
  { path: /^\/todo$/, page: todo, title: 'nav.todo', roles: ['enterprise', 'institution', ...ADMINS] },
  { path: /^\/notifications$/, page: notifications, title: 'nav.notifications', roles: ['enterprise', 'institution', ...ADMINS] },
];

const app = document.getElementById('app');
const hero = document.getElementById('hero');
const nav = document.getElementById('nav');
const account = document.getElementById('account');
const langButton = document.getElementById('lang-switch');
let renderCount = 0;
// What the last action achieved, said at the top of the page it leads to (go's message).
let pendingMessage = null;

function parseHash() {
  const raw = window.location.hash.replace(/^#/, '') || '/';
  const q = raw.indexOf('?');
  const path = q >= 0 ? raw.slice(0, q) : raw;
  const query = new URLSearchParams(q >= 0 ? raw.slice(q + 1) : '');
  return { path, query, raw };
}

// Goes to hash; message (text or nodes), when given, says on arrival what has just succeeded.
export function go(hash, message) {
  pendingMessage = message || null;
  if (window.location.hash === hash) render(false);
  else window.location.hash = hash;
}

function navLinks(user) {
  const links = [['#/pool', 'nav.pool', 'nav-pool']];
  if (!user) {
    links.push(['#/signin', 'nav.signin', 'nav-signin'], ['#/signup', 'nav.signup', 'nav-signup']);
    return links;
  }
  links.push(['#/todo', 'nav.todo', 'nav-todo']);
  if (user.role === 'enterprise') {
    links.push(['#/me/trials', 'nav.myTrials', 'nav-my-trials'], ['#/me/licenses', 'nav.myLicenses', 'nav-my-licenses']);
  } else if (user.role === 'institution') {
    links.push(['#/inst/achievements', 'nav.instAchievements', 'nav-inst-achievements'],
      ['#/inst/trials', 'nav.instTrials', 'nav-inst-trials'], ['#/inst/licenses', 'nav.instLicenses', 'nav-inst-licenses']);
  } else if (isAdmin(user)) {
    links.push(['#/admin/review', 'nav.review', 'nav-review'],
      ['#/admin/compensations', 'nav.compensations', 'nav-compensations'],
      ['#/admin/dashboard', 'nav.dashboard', 'nav-dashboard']);
  }
  return links;
}

// A bell drawn as SVG (no emoji font is needed), decorative: the link carries the label.
function bellIcon() {
  const ns = 'http://www.w3.org/2000/svg';
  const svg = document.createElementNS(ns, 'svg');
  svg.setAttribute('viewBox', '0 0 24 24');
  svg.setAttribute('width', '20');
  svg.setAttribute('height', '20');
  svg.setAttribute('aria-hidden', 'true');
  const path = document.createElementNS(ns, 'path');
  path.setAttribute('d', 'M12 2a6 6 0 0 0-6 6v3.6L4.3 15A1 1 0 0 0 5.2 16.5h13.6a1 1 0 0 0 .9-1.5L18 11.6V8a6 6 0 0 0-6-6Zm0 20a3 3 0 0 0 2.8-2h-5.6A3 3 0 0 0 12 22Z');
  path.setAttribute('fill', 'currentColor');
  svg.appendChild(path);
  return svg;
}

// The bell in the header: a link to the inbox with the unread count, filled in when it arrives.
function bell() {
  const count = h('span', { class: 'bell-count', 'data-test': 'bell-count', hidden: true });
  const link = h('a', { href: '#/notifications', class: 'bell', 'data-test': 'bell', 'aria-label': t('notif.bell') }, bellIcon(), count);
  api.get('/notifications', { unread: 'true', limit: 1 }).then((page) => {
    const n = Number.isInteger(page.unread) ? page.unread : 0;
    count.textContent = n > 99 ? '99+' : String(n);
    count.hidden = n === 0;
    link.setAttribute('aria-label', n > 0 ? t('notif.bellUnread', { n }) : t('notif.bell'));
  }).catch(() => {});
  return link;
}

function renderChrome() {
  const user = currentUser();
  const { path } = parseHash();
  clear(nav);
  const ul = h('ul', {});
  for (const [href, key, test] of navLinks(user)) {
    const current = href.slice(1) === path || path.startsWith(href.slice(1) + '/');
    const link = h('a', { href, 'data-test': test, 'aria-current': current ? 'page' : null }, t(key));
    if (href === '#/todo') todo.todoCount(link);
    ul.appendChild(h('li', {}, link));
  }
  nav.appendChild(ul);
  for (const el of document.querySelectorAll('[data-guest]')) el.hidden = Boolean(user);
  nav.setAttribute('aria-label', t('nav.label'));
  clear(account);
  if (user) {
    const who = user.contact_name || user.email || '';
    account.appendChild(h('span', { class: 'who', 'data-test': 'who' }, userText(who), ' · ', enumLabel('roles', user.role)));
    account.appendChild(bell());
    account.appendChild(h('button', {
      type: 'button', class: 'btn btn-small', 'data-test': 'signout',
      on: { click: async () => { await signOut().catch(() => {}); renderChrome(); go('#/'); } },
    }, t('nav.signout')));
  }
  langButton.textContent = getLang() === 'en' ? '中文' : 'English';
  langButton.setAttribute('aria-label', getLang() === 'en' ? '切换到中文' : 'Switch to English');
  langButton.setAttribute('lang', getLang() === 'en' ? 'zh-CN' : 'en');
}

async function render(moveFocus) {
  renderCount += 1;
  const mine = renderCount;
  const { path, query } = parseHash();
  renderChrome();
  let route = null;
  let params = [];
  for (const r of ROUTES) {
    const m = r.path.exec(path);
    if (m) {
      route = r;
      params = m.slice(1);
      break;
    }
  }
  const root = h('div', { class: 'page' });
  clear(app);
  app.appendChild(root);
  hero.hidden = !(route && route.page === home);
  if (!route) {
    document.title = `${t('nav.notFound')} · ${t('app.name')}`;
    root.append(h('h1', { tabindex: '-1' }, t('nav.notFound')), h('p', {}, h('a', { href: '#/' }, t('nav.home'))));
    return;
  }
  document.title = `${t(route.title)} · ${t('app.name')}`;
  const user = currentUser();
  if (route.roles && !user) {
    go('#/signin?next=' + encodeURIComponent('#' + parseHash().raw));
    return;
  }
  if (route.roles && !route.roles.includes(user.role)) {
    root.append(h('h1', { tabindex: '-1' }, t('nav.forbidden')), h('p', {}, t('err.forbidden')));
    return;
  }
  root.appendChild(loading());
  try {
    const content = h('div', {});
    await route.page.render({ root: content, params, query, user, go, rerender: (message) => { pendingMessage = message || null; render(false); }, chrome: renderChrome });
    if (mine !== renderCount) return;
    clear(root);
    if (pendingMessage) root.appendChild(notice(pendingMessage));
    pendingMessage = null;
    root.appendChild(content);
  } catch (err) {
    if (mine !== renderCount) return;
    if (err && err.status === 401 && route.roles) {
      // The session ended (expired or signed out elsewhere): sign in again and come back here.
      await refreshUser().catch(() => null);
      go('#/signin?next=' + encodeURIComponent('#' + parseHash().raw));
      return;
    }
    clear(root);
    root.appendChild(errorBox(err, () => render(false)));
  }
  if (moveFocus) {
    const h1 = root.querySelector('h1');
    if (h1) h1.focus({ preventScroll: false });
  }
}

async function start() {
  initLang();
  langButton.addEventListener('click', () => setLang(getLang() === 'en' ? 'zh' : 'en'));
  onLangChange(() => render(false));
  window.addEventListener('hashchange', () => render(true));
  document.documentElement.classList.add('js');
  await Promise.all([loadMeta(), refreshUser().catch(() => null)]);
  render(false);
}

start();
