// cards: how an achievement appears in lists (pool, review queue, institution's own list), and
// what the detail page shares with it: the institution's name in the page's language and the
// keywords as links that search the pool.

import { h, highlight, userText, contentLang } from '../dom.js';
import { t, enumLabel, getLang } from '../i18n.js';
import { formatFen } from '../format.js';
import { badge } from '../ui.js';

export function achievementTitle(a) {
  if (getLang() === 'en' && a.title_en) return a.title_en;
  return a.title || '';
}

// The institution's English name in English where it has one.
export function institutionName(a) {
  if (getLang() === 'en' && a.institution_name_en) return a.institution_name_en;
  return a.institution_name || '';
}

// The keywords as links that search the pool for each.
export function keywordLinks(keywords) {
  if (!Array.isArray(keywords) || keywords.length === 0) return null;
  return h('p', { class: 'tags', 'data-test': 'keywords' }, keywords.map((k) => h('a', {
    class: 'tag', href: `#/pool?${new URLSearchParams({ q: String(k) })}`, 'data-test': 'keyword',
    lang: contentLang(k),
  }, String(k))));
}

// At most max characters of text; when the query's first word matches beyond them, the part
// around that match instead, so that it shows.
function excerpt(text, max, query) {
  const s = String(text || '');
  const chars = Array.from(s);
  if (chars.length <= max) return s;
  const word = String(query || '').trim().split(/\s+/)[0] || '';
  const at = word ? s.toLowerCase().indexOf(word.toLowerCase()) : -1;
  const first = at < 0 ? 0 : Array.from(s.slice(0, at)).length; // in characters, not UTF-16 units
  const start = first + Array.from(word).length > max ? Math.max(0, first - 20) : 0;
  const end = Math.min(chars.length, start + max);
  return (start > 0 ? '…' : '') + chars.slice(start, end).join('') + (end < chars.length ? '…' : '');
}

// One <li class="card"> for an achievement; `extra` nodes (actions) go at the end. In the pool,
// the search's words (`query`) are marked in the title and the abstract, and `keywords` shows
// the keywords as links to searches of their own.
export function achievementCard(a, { showStatus = false, extra = null, query = '', keywords = false } = {}) {
  const tags = h('p', { class: 'tags' },
    h('span', { class: 'tag' }, enumLabel('provinces', a.province)),
    h('span', { class: 'tag' }, enumLabel('fields', a.field)),
    h('span', { class: 'tag' }, enumLabel('kinds', a.kind)),
    a.open_license ? h('span', { class: 'tag tag-accent', 'data-test': 'open-license' }, t('ach.openLicense')) : null,
    a.exclusive ? h('span', { class: 'tag' }, t('ach.exclusive')) : null,
    showStatus ? badge('achievement_statuses', a.status) : null);
  return h('li', { class: 'card', 'data-test': 'achievement', 'data-id': a.id },
    h('h2', { class: 'card-title' },
      h('a', { href: `#/achievements/${a.id}`, 'data-test': 'achievement-link' },
        h('span', { lang: contentLang(achievementTitle(a)) }, highlight(achievementTitle(a), query)))),
    userText(institutionName(a), { class: 'muted', 'data-test': 'institution-name' }, 'p'),
    tags,
    a.abstract ? h('p', { class: 'abstract', 'data-test': 'card-abstract', lang: contentLang(a.abstract) },
      highlight(excerpt(a.abstract, 120, query), query)) : null,
    keywords ? keywordLinks(a.keywords) : null,
    showStatus && a.status === 'rejected' && a.reject_reason
      ? h('p', { class: 'alert alert-error', 'data-test': 'reject-reason' }, t('ach.rejectReason'), ': ', userText(a.reject_reason)) : null,
    h('p', { class: 'card-figures' },
      h('span', {}, t('ach.trialMonthsShort', { n: a.trial_months })),
      h('span', {}, t('ach.referenceFee'), ' ', formatFen(a.reference_fee_fen))),
    extra);
}
