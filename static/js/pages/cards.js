// cards: how an achievement appears in lists (pool, review queue, institution's own list).

import { h, userText } from '../dom.js';
import { t, enumLabel, getLang } from '../i18n.js';
import { formatFen } from '../format.js';
import { badge } from '../ui.js';

export function achievementTitle(a) {
  if (getLang() === 'en' && a.title_en) return a.title_en;
  return a.title || '';
}

function excerpt(text, max) {
  const s = String(text || '');
  const chars = Array.from(s);
  return chars.length > max ? chars.slice(0, max).join('') + '…' : s;
}

// One <li class="card"> for an achievement; `extra` nodes (actions) go at the end.
export function achievementCard(a, { showStatus = false, extra = null } = {}) {
  const tags = h('p', { class: 'tags' },
    h('span', { class: 'tag' }, enumLabel('provinces', a.province)),
    h('span', { class: 'tag' }, enumLabel('fields', a.field)),
    h('span', { class: 'tag' }, enumLabel('kinds', a.kind)),
    a.open_license ? h('span', { class: 'tag tag-accent', 'data-test': 'open-license' }, t('ach.openLicense')) : null,
    a.exclusive ? h('span', { class: 'tag' }, t('ach.exclusive')) : null,
    showStatus ? badge('achievement_statuses', a.status) : null);
  return h('li', { class: 'card', 'data-test': 'achievement', 'data-id': a.id },
    h('h2', { class: 'card-title' },
      h('a', { href: `#/achievements/${a.id}`, 'data-test': 'achievement-link' }, userText(achievementTitle(a)))),
    userText(a.institution_name, { class: 'muted' }, 'p'),
    tags,
    a.abstract ? userText(excerpt(a.abstract, 120), { class: 'abstract' }, 'p') : null,
    showStatus && a.status === 'rejected' && a.reject_reason
      ? h('p', { class: 'alert alert-error', 'data-test': 'reject-reason' }, t('ach.rejectReason'), ': ', userText(a.reject_reason)) : null,
    h('p', { class: 'card-figures' },
      h('span', {}, t('ach.trialMonthsShort', { n: a.trial_months })),
      h('span', {}, t('ach.referenceFee'), ' ', formatFen(a.reference_fee_fen))),
    extra);
}
