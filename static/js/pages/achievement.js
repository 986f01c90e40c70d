// achievement: one achievement with the standard terms it offers (mode, fee and its schedule,
// royalty rate and base, license years, exclusivity, longest trial), open license and patent
// numbers, and for enterprise staff the "request a free trial" form with the terms it agrees to.

import { h, append } from '../dom.js';
import { t, enumLabel, getLang } from '../i18n.js';
import * as api from '../api.js';
import { formatInstant } from '../format.js';
import { field, input, textarea, formAlert, showProblem, showClientErrors, busy } from '../forms.js';
import { pageTitle, terms, badge, notice } from '../ui.js';
import { standardTermsOf } from '../terms.js';
import { achievementTitle } from './cards.js';
import { termsList } from './terms-view.js';
import { termsChooser } from './trial-terms.js';

function list(items, testName) {
  if (!Array.isArray(items) || items.length === 0) return '—';
  return h('ul', { class: 'plain-list', 'data-test': testName }, items.map((x) => h('li', {}, String(x))));
}

function trialForm(a) {
  const chooser = termsChooser(standardTermsOf(a));
  const purpose = textarea({ 'data-test': 'trial-purpose', maxlength: '2000', required: true });
  const months = input({
    type: 'number', min: '1', max: String(a.trial_months), step: '1', inputmode: 'numeric',
    value: String(Math.min(3, a.trial_months || 1)), 'data-test': 'trial-months', required: true,
  });
  const result = h('div', { 'aria-live': 'polite' });
  const form = h('form', { class: 'panel', 'data-test': 'trial-form', novalidate: true },
    h('h2', {}, t('trial.requestTitle')),
    h('p', { class: 'muted' }, t('trial.requestIntro', { n: a.trial_months })),
    field({ name: 'purpose', label: t('trial.purpose'), control: purpose, hint: t('trial.purposeHint'), wide: true }),
    field({ name: 'planned_months', label: t('trial.plannedMonths'), control: months, hint: t('trial.monthsHint', { n: a.trial_months }) }),
    chooser.element,
    formAlert(),
    h('div', { class: 'actions' }, h('button', { type: 'submit', class: 'btn btn-primary', 'data-test': 'trial-submit' }, t('trial.request'))),
    result);
  form.addEventListener('submit', async (ev) => {
    ev.preventDefault();
    const chosen = chooser.read();
    const problems = { ...chosen.problems };
    const n = Number(months.value);
    if (!purpose.value.trim()) problems.purpose = t('v.required');
    if (!Number.isInteger(n) || n < 1 || n > a.trial_months) problems.planned_months = t('v.range', { min: 1, max: a.trial_months });
    if (!showClientErrors(form, problems)) return;
    const key = api.newIdempotencyKey();
    await busy(form, async () => {
      try {
        const body = { purpose: purpose.value.trim(), planned_months: n };
        if (chosen.terms) body.terms = chosen.terms;
        await api.post(`/achievements/${a.id}/trials`, body, { idempotencyKey: key });
        form.replaceWith(h('div', { class: 'panel' },
          notice(t('trial.requested')),
          h('p', {}, h('a', { href: '#/me/trials', class: 'btn btn-primary', 'data-test': 'goto-my-trials' }, t('nav.myTrials')))));
      } catch (err) {
        showProblem(form, err);
      }
    });
  });
  return form;
}

function trialSection(a, ctx) {
  const user = ctx.user;
  if (a.status !== 'listed') return null;
  if (!user) {
    const next = encodeURIComponent(`#/achievements/${a.id}`);
    return h('div', { class: 'panel' },
      h('p', {}, t('trial.signInFirst')),
      h('p', { class: 'actions' },
        h('a', { href: `#/signin?next=${next}`, class: 'btn btn-primary', 'data-test': 'signin-to-request' }, t('nav.signin')),
        h('a', { href: '#/signup', class: 'btn' }, t('nav.signup'))));
  }
  if (user.role === 'enterprise') return trialForm(a);
  return null;
}

export async function render(ctx) {
  const id = ctx.params[0];
  const a = await api.get(`/achievements/${id}`);
  const otherTitle = getLang() === 'en' ? a.title : a.title_en;
  const owner = ctx.user && ctx.user.role === 'institution' && ctx.user.institution_id === a.institution_id;
  append(ctx.root, 
    h('p', {}, h('a', { href: '#/pool' }, '← ', t('nav.pool'))),
    pageTitle(achievementTitle(a), 'achievement-title'),
    otherTitle && otherTitle !== achievementTitle(a) ? h('p', { class: 'subtitle' }, otherTitle) : null,
    h('p', { class: 'tags' },
      h('span', { class: 'tag' }, a.institution_name || ''),
      h('span', { class: 'tag' }, enumLabel('provinces', a.province)),
      a.status !== 'listed' ? badge('achievement_statuses', a.status) : null,
      a.open_license ? h('span', { class: 'tag tag-accent' }, t('ach.openLicense')) : null),
    h('div', { class: 'two-col' },
      h('section', {},
        h('h2', {}, t('ach.abstract')),
        h('p', { class: 'abstract prewrap', 'data-test': 'achievement-abstract' }, a.abstract || ''),
        h('h2', {}, t('ach.keywords')), list(a.keywords, 'keywords')),
      h('section', { 'data-test': 'terms' },
        h('h2', {}, t('terms.standard')),
        termsList(standardTermsOf(a), { testName: 'standard-terms' }),
        terms([
          [t('ach.openLicense'), a.open_license ? t('common.yes') : t('common.no')],
          [t('ach.field'), enumLabel('fields', a.field)],
          [t('ach.kind'), enumLabel('kinds', a.kind)],
          [t('ach.maturity'), a.maturity ? `TRL ${a.maturity}` : null],
          [t('ach.patents'), list(a.patent_numbers, 'patents')],
          [t('ach.updated'), formatInstant(a.updated_at)],
        ]))),
    owner ? h('p', { class: 'actions' }, h('a', { href: `#/inst/achievements/${a.id}/edit`, class: 'btn' }, t('common.edit'))) : null,
    trialSection(a, ctx));
}
