// achievement: one achievement with the standard terms it offers (mode, fee and its schedule,
// royalty rate and base, license years, exclusivity, longest trial), open license and patent
// numbers, and for enterprise staff the "request a free trial" form with the terms it agrees to.
// An open-license declaration shows its terms: enterprises take a license from it, the declaring
// institution sees the licenses taken and withdraws it, or declares one (open-license-form.js).

import { h, append, userText } from '../dom.js';
import { t, enumLabel, getLang } from '../i18n.js';
import * as api from '../api.js';
import { formatInstant } from '../format.js';
import { field, input, textarea, formAlert, showProblem, showClientErrors, busy } from '../forms.js';
import { pageTitle, terms, badge, notice } from '../ui.js';
import { standardTermsOf } from '../terms.js';
import { achievementTitle, institutionName, keywordLinks } from './cards.js';
import { termsList } from './terms-view.js';
import { termsChooser } from './trial-terms.js';
import { declarationObstacle } from '../open-license.js';
import { declarationTerms, takeAction, withdrawAction } from './open-license-view.js';
import { declareForm } from './open-license-form.js';

function list(items, testName) {
  if (!Array.isArray(items) || items.length === 0) return '—';
  return h('ul', { class: 'plain-list', 'data-test': testName }, items.map((x) => userText(String(x), {}, 'li')));
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

// Why the caller's enterprise cannot ask for a trial of a now, or null: a request or trial of it
// still open, or a large enterprise (free trials are for SMEs).
async function trialObstacle(a, user) {
  const [open, enterprise] = await Promise.all([
    api.get('/trials', { achievement_id: a.id, limit: 100 })
      .then((page) => (page.items || []).find((x) => x.status === 'requested' || x.status === 'active') || null)
      .catch(() => null),
    user.enterprise_id ? api.get(`/enterprises/${user.enterprise_id}`).catch(() => null) : null,
  ]);
  if (open) {
    return h('div', { class: 'panel', 'data-test': 'trial-open', 'data-status': open.status },
      h('p', {}, t(open.status === 'active' ? 'trial.alreadyActive' : 'trial.alreadyRequested')),
      h('p', {}, h('a', { href: '#/me/trials', class: 'btn', 'data-test': 'goto-my-trials' }, t('nav.myTrials'))));
  }
  if (enterprise && enterprise.scale === 'large') {
    return h('div', { class: 'panel', 'data-test': 'trial-not-sme' }, h('p', {}, t('err.not_sme')));
  }
  return null;
}

async function trialSection(a, ctx) {
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
  if (user.role === 'enterprise') return (await trialObstacle(a, user)) || trialForm(a);
  return null;
}

// The enterprise's active license of declaration d, if it holds one.
async function heldLicense(d) {
  const page = await api.get('/licenses', { status: 'active', limit: 100 }).catch(() => ({ items: [] }));
  return (page.items || []).find((l) => l.open_license_id === d.id) || null;
}

// What a party can do with the active declaration: take it, see the license taken, or withdraw it.
async function declarationActions(d, a, ctx, owner) {
  const user = ctx.user;
  if (owner) return withdrawAction(d, ctx);
  if (!user) {
    const next = encodeURIComponent(`#/achievements/${a.id}`);
    return h('div', {},
      h('p', {}, t('ol.signInFirst')),
      h('p', { class: 'actions' }, h('a', { href: `#/signin?next=${next}`, class: 'btn btn-primary', 'data-test': 'signin-to-take' }, t('nav.signin'))));
  }
  if (user.role !== 'enterprise') return null;
  const held = await heldLicense(d);
  if (held) {
    return h('p', { class: 'alert alert-info', 'data-test': 'ol-held' }, t('ol.held'), ' ',
      h('a', { href: `#/licenses/${held.id}`, 'data-test': 'ol-held-link' }, t('ol.heldLink', { id: held.id })));
  }
  return takeAction(d, ctx);
}

// The open-license part of the page: the active declaration with what the reader may do, or for
// the owning institution the way to declare one (or why it cannot yet).
async function openLicenseSection(a, ctx, owner) {
  const page = await api.get('/open-licenses', { achievement_id: a.id, limit: 20 }).catch(() => ({ items: [] }));
  const items = Array.isArray(page.items) ? page.items : [];
  const active = items.find((d) => d.status === 'active');
  if (active) {
    return h('section', { class: 'panel', 'data-test': 'open-license', 'data-id': active.id },
      h('h2', {}, owner ? t('ol.yours') : t('ol.title')),
      h('p', { class: 'muted' }, t('ol.intro')),
      declarationTerms(active),
      await declarationActions(active, a, ctx, owner));
  }
  if (!owner) return null;
  const withdrawn = items.find((d) => d.status === 'withdrawn');
  const obstacle = declarationObstacle(a);
  const section = h('section', { class: 'panel', 'data-test': 'open-license-none' },
    h('h2', {}, t('ol.title')),
    withdrawn ? h('p', { class: 'muted', 'data-test': 'ol-withdrawn-note' },
      t('ol.withdrawnNote', { date: formatInstant(withdrawn.withdrawn_at) })) : null,
    obstacle ? h('p', { class: 'muted', 'data-test': 'ol-cannot' }, t(`ol.cannot.${obstacle}`)) : null);
  if (!obstacle) {
    const open = h('button', { type: 'button', class: 'btn btn-primary', 'data-test': 'ol-declare' }, t('ol.declare'));
    const form = declareForm(a, {
      onDone: () => ctx.rerender(),
      onCancel: () => { form.hidden = true; open.hidden = false; open.focus(); },
    });
    form.hidden = true;
    open.addEventListener('click', () => {
      open.hidden = true;
      form.hidden = false;
      form.querySelector('h3').focus();
    });
    section.append(h('p', { class: 'actions' }, open), form);
  }
  return section;
}

export async function render(ctx) {
  const id = ctx.params[0];
  const a = await api.get(`/achievements/${id}`);
  const otherTitle = getLang() === 'en' ? a.title : a.title_en;
  const owner = ctx.user && ctx.user.role === 'institution' && ctx.user.institution_id === a.institution_id;
  const [openLicense, trial] = await Promise.all([openLicenseSection(a, ctx, owner), trialSection(a, ctx)]);
  append(ctx.root,
    h('p', {}, h('a', { href: '#/pool' }, '← ', t('nav.pool'))),
    pageTitle(userText(achievementTitle(a)), 'achievement-title'),
    otherTitle && otherTitle !== achievementTitle(a) ? userText(otherTitle, { class: 'subtitle' }, 'p') : null,
    h('p', { class: 'tags' },
      userText(institutionName(a), { class: 'tag', 'data-test': 'institution-name' }),
      h('span', { class: 'tag' }, enumLabel('provinces', a.province)),
      a.status !== 'listed' ? badge('achievement_statuses', a.status) : null,
      a.open_license ? h('span', { class: 'tag tag-accent', 'data-test': 'open-license-tag' }, t('ach.openLicense')) : null),
    h('div', { class: 'two-col' },
      h('section', {},
        h('h2', {}, t('ach.abstract')),
        userText(a.abstract, { class: 'abstract prewrap', 'data-test': 'achievement-abstract' }, 'p'),
        h('h2', {}, t('ach.keywords')), keywordLinks(a.keywords) || '—'),
      h('section', { 'data-test': 'terms' },
        h('h2', {}, t('terms.standard')),
        termsList(standardTermsOf(a), { testName: 'standard-terms' }),
        terms([
          [t('ach.institution'), institutionName(a)],
          [t('ach.contact'), a.institution_contact_name ? userText(a.institution_contact_name, { 'data-test': 'institution-contact' }) : null],
          [t('ach.openLicense'), a.open_license ? t('common.yes') : t('common.no')],
          [t('ach.field'), enumLabel('fields', a.field)],
          [t('ach.kind'), enumLabel('kinds', a.kind)],
          [t('ach.maturity'), a.maturity ? `TRL ${a.maturity}` : null],
          [t('ach.patents'), list(a.patent_numbers, 'patents')],
          [t('ach.updated'), formatInstant(a.updated_at)],
        ]))),
    owner ? h('p', { class: 'actions' }, h('a', { href: `#/inst/achievements/${a.id}/edit`, class: 'btn' }, t('common.edit'))) : null,
    openLicense,
    trial);
}
