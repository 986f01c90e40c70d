// trial-card: how a trial appears to either side — parties, state, dates, days left, and the
// license terms it asks for (while requested) or that were agreed when it was approved.

import { h, userText } from '../dom.js';
import { t, enumLabel } from '../i18n.js';
import { formatDate, formatInstant, daysBetween } from '../format.js';
import { badge, terms } from '../ui.js';
import { termsList } from './terms-view.js';
import { partyLine, licenseHeading } from './parties.js';

// "12 days left" / "ends today" / "ended 3 days ago" for an active trial; null otherwise.
export function daysLeftText(trial) {
  if (trial.status !== 'active' || !trial.ends_on) return null;
  const n = daysBetween(trial.ends_on);
  if (n === null) return null;
  if (n > 0) return t('trial.daysLeft', { n });
  if (n === 0) return t('trial.endsToday');
  return t('trial.endedAgo', { n: -n });
}

// The terms section: requested or agreed terms, whether they are the standard ones, and the day
// they were agreed; a note for a trial from before terms were agreed in advance.
function termsSection(trial) {
  if (!trial.terms) {
    return h('p', { class: 'muted', 'data-test': 'trial-no-terms' }, t('terms.none'));
  }
  const agreed = !!trial.terms_agreed_on;
  const standard = trial.terms_standard === true;
  return h('section', { class: 'card-terms', 'data-test': 'trial-terms', 'data-agreed': agreed ? 'true' : 'false', 'data-standard': standard ? 'true' : 'false' },
    h('h3', {}, agreed ? t('terms.agreed') : t('terms.requested')),
    h('p', { class: 'tags' },
      trial.terms_standard === null || trial.terms_standard === undefined ? null
        : h('span', { class: standard ? 'tag' : 'tag tag-danger', 'data-test': standard ? 'terms-standard-tag' : 'terms-differ-tag' },
          standard ? t('terms.standardTag') : t('terms.differsTag'))),
    termsList(trial.terms, {
      testName: agreed ? 'agreed-terms' : 'requested-terms',
      omit: ['max_trial_months'],
      extra: agreed ? [[t('terms.agreedOn'), h('span', { 'data-test': 'terms-agreed-on', 'data-date': trial.terms_agreed_on }, formatDate(trial.terms_agreed_on))]] : [],
    }));
}

// notes: nodes shown above the actions (deadlines, proposals); termsExtra: after the terms.
export function trialCard(trial, { side, actions = [], notes = [], termsExtra = null }) {
  const left = daysLeftText(trial);
  // the other party, by name and contact person (replies before 0032 gave the province only)
  const counterpart = side === 'enterprise'
    ? (trial.institution_name
      ? [t('license.institution'), partyLine(trial.institution_name, trial.institution_province, trial.institution_contact_name, 'party-institution')]
      : [t('trial.institutionProvince'), enumLabel('provinces', trial.institution_province)])
    : [t('trial.enterprise'), partyLine(trial.enterprise_name, trial.enterprise_province, trial.enterprise_contact_name, 'party-enterprise')
      || enumLabel('provinces', trial.enterprise_province)];
  return h('li', { class: 'card', 'data-test': 'trial', 'data-id': trial.id, 'data-status': trial.status },
    h('h2', { class: 'card-title' },
      h('a', { href: `#/achievements/${trial.achievement_id}` }, trial.achievement_title ? userText(trial.achievement_title) : `#${trial.achievement_id}`)),
    h('p', { class: 'tags' }, badge('trial_statuses', trial.status),
      left ? h('span', { class: 'tag tag-accent', 'data-test': 'days-left' }, left) : null),
    terms([
      [t('trial.number'), `#${trial.id}`],
      counterpart,
      [t('trial.plannedMonths'), t('ach.monthsValue', { n: trial.planned_months })],
      [t('trial.maxMonths'), Number.isInteger(trial.max_trial_months) ? t('ach.monthsValue', { n: trial.max_trial_months }) : undefined],
      [t('trial.extension'), trial.extension
        ? h('span', { 'data-test': 'trial-extension', 'data-status': trial.extension.status },
          t('trial.extensionValue', { n: trial.extension.months, status: t(`ext.${trial.extension.status}`) }),
          ' — ', userText(trial.extension.reason)) : undefined],
      [t('trial.purpose'), trial.purpose ? userText(trial.purpose, { class: 'prewrap' }) : undefined],
      [t('trial.requestedAt'), formatInstant(trial.requested_at)],
      [t('trial.startedOn'), trial.started_on ? formatDate(trial.started_on) : undefined],
      [t('trial.endsOn'), trial.ends_on ? formatDate(trial.ends_on) : undefined],
      [t('trial.closedAt'), trial.closed_at ? formatInstant(trial.closed_at) : undefined],
      [t('trial.closeReason'), trial.close_reason || undefined],
      [t('trial.reasonCode'), trial.reason_code ? enumLabel('return_reason_codes', trial.reason_code) : undefined],
      [t('trial.rating'), Number.isInteger(trial.rating) ? t('trial.ratingValue', { n: trial.rating }) : undefined],
      [t('nav.license'), trial.license_id
        ? h('a', { href: `#/licenses/${trial.license_id}`, 'data-test': 'license-link' }, licenseHeading({ id: trial.license_id, achievement_title: trial.achievement_title })) : undefined],
    ]),
    termsSection(trial),
    termsExtra,
    notes,
    actions.length ? h('div', { class: 'actions' }, actions) : null);
}
