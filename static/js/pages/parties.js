// parties: who a license is between — the achievement, the institution and the enterprise with
// their provinces and contact persons — as replies about trials, licenses, payments and claims
// carry them, so that no page names a license by its number alone.

import { h, userText } from '../dom.js';
import { t, tParts, enumLabel } from '../i18n.js';

// "Name (Province) · contact: X"; undefined when the reply names no one.
export function partyLine(name, province, contact, testName) {
  if (!name) return undefined;
  return h('span', { 'data-test': testName },
    userText(name), province ? ` (${enumLabel('provinces', province)})` : '',
    contact ? [' · ', tParts('party.contact', { name: userText(contact) })] : '');
}

// Rows for terms(): the institution and the enterprise of a license-like reply.
export function partyRows(x) {
  return [
    [t('license.institution'), partyLine(x.institution_name, x.institution_province, x.institution_contact_name, 'party-institution')],
    [t('trial.enterprise'), partyLine(x.enterprise_name, x.enterprise_province, x.enterprise_contact_name, 'party-enterprise')],
  ];
}

// "License #41 · achievement title": how a license is named in a sentence.
export function licenseName(l) {
  const id = l.license_id || l.id;
  return l.achievement_title ? `${t('license.number', { id })} · ${l.achievement_title}` : t('license.number', { id });
}

// "Claim #7 · achievement title" for a heading or a link: the title marked with its language.
export function numbered(label, title) {
  return title ? [label, ' · ', userText(title)] : [label];
}

// A license named in a heading or a link.
export function licenseHeading(l) {
  return numbered(t('license.number', { id: l.license_id || l.id }), l.achievement_title);
}
