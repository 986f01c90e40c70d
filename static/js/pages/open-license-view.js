// open-license-view: how a patent open-license declaration reads — its terms (patents, fee kind, fee
// in yuan, royalty rate and base, years, announcement, a reason for exceeding the guidance), its
// card in the public list, the enterprise's "take a license" that spells out the price before it
// signs, and the declaring institution's count of licenses taken and its withdrawal.

import { h, userText } from '../dom.js';
import { t, enumLabel, getLang } from '../i18n.js';
import * as api from '../api.js';
import { formatFen, formatPercentBp, formatDate, formatInstant, todayShanghai } from '../format.js';
import { terms, badge, actionButton } from '../ui.js';
import { problemText } from '../problems.js';
import { kindHasFee, kindHasRoyalty, takeCommitment } from '../open-license.js';
import { yearsText } from './terms-view.js';

function feeLabel(d) {
  return d.fee_kind === 'entry_plus_royalty' ? t('ol.entryFee') : t('ol.fee');
}

function patentList(numbers) {
  return h('ul', { class: 'plain-list mono', 'data-test': 'ol-patents' }, (numbers || []).map((n) => h('li', {}, n)));
}

// The declared terms as a <dl>; `omit` leaves out rows by name (fee_kind, exclusive) where the
// reader sees them already.
export function declarationTerms(d, { testName = 'ol-terms', omit = [] } = {}) {
  const shown = (name, value) => (omit.includes(name) ? undefined : value);
  const dl = terms([
    [t('ol.patents'), patentList(d.patent_numbers)],
    [t('ol.feeKind'), shown('fee_kind', enumLabel('fee_kinds', d.fee_kind))],
    [feeLabel(d), kindHasFee(d.fee_kind) ? h('span', { class: 'money', 'data-test': 'ol-fee-value' }, formatFen(d.fee_fen)) : undefined],
    [t('terms.royaltyRate'), kindHasRoyalty(d.fee_kind) ? h('span', { 'data-test': 'ol-royalty-value' }, formatPercentBp(d.royalty_bp)) : undefined],
    [t('terms.royaltyBase'), kindHasRoyalty(d.fee_kind) ? enumLabel('royalty_bases', d.royalty_base) : undefined],
    [t('terms.years'), h('span', { 'data-test': 'ol-years-value' }, yearsText(d.years))],
    [t('ach.exclusivity'), shown('exclusive', t('ach.nonExclusive'))],
    [t('ol.exception'), d.guideline_exception
      ? h('span', { 'data-test': 'ol-exception-text' }, h('span', { class: 'tag tag-danger' }, t('ol.aboveTag')), ' ', d.guideline_exception)
      : undefined],
    [t('ol.announcementNumberShort'), d.announcement_number || undefined],
    [t('ol.announcedOnShort'), d.announced_on ? formatDate(d.announced_on) : undefined],
    [t('ol.declaredOn'), formatDate(d.declared_on)],
    [t('common.status'), d.status !== 'active' ? badge('open_license_statuses', d.status) : undefined],
    [t('ol.withdrawnAt'), d.withdrawn_at ? formatInstant(d.withdrawn_at) : undefined],
    [t('ol.licenses'), h('span', { 'data-test': 'ol-licenses-count' }, t('ol.licensesValue', { n: d.licenses || 0 }))],
  ]);
  dl.setAttribute('data-test', testName);
  return dl;
}

// One declaration in the public list.
export function declarationCard(d) {
  return h('li', { class: 'card', 'data-test': 'open-license', 'data-id': d.id, 'data-status': d.status },
    h('h2', { class: 'card-title' },
      h('a', { href: `#/achievements/${d.achievement_id}`, 'data-test': 'open-license-link' }, d.achievement_title ? userText(d.achievement_title) : `#${d.achievement_id}`)),
    h('p', { class: 'muted' }, userText(d.institution_name), d.institution_province ? ` · ${enumLabel('provinces', d.institution_province)}` : ''),
    h('p', { class: 'tags' },
      h('span', { class: 'tag tag-accent' }, enumLabel('fee_kinds', d.fee_kind)),
      badge('open_license_statuses', d.status),
      d.guideline_exception ? h('span', { class: 'tag tag-danger', 'data-test': 'ol-above' }, t('ol.aboveTag')) : null),
    declarationTerms(d, { testName: 'ol-card-terms', omit: ['fee_kind', 'exclusive'] }));
}

// What the enterprise commits to, shown before it signs; the button in it takes the license.
function takePanel(d, ctx, close) {
  const today = todayShanghai();
  const c = takeCommitment(d, today);
  const key = api.newIdempotencyKey();
  const en = getLang() === 'en';
  const out = h('p', { class: 'action-error', role: 'alert', 'data-test': 'ol-take-error' });
  const confirm = h('button', { type: 'button', class: 'btn btn-primary', 'data-test': 'ol-take-confirm' }, t('ol.takeConfirm'));
  confirm.addEventListener('click', async () => {
    confirm.disabled = true;
    out.textContent = '';
    try {
      const res = await api.post(`/open-licenses/${d.id}/take`, {}, { idempotencyKey: key });
      const license = res && (res.license || res);
      ctx.go(license && license.id ? `#/licenses/${license.id}` : '#/me/licenses');
    } catch (err) {
      out.textContent = problemText(err);
      confirm.disabled = false;
    }
  });
  const label = en ? feeLabel(d).toLowerCase() : feeLabel(d);
  return h('div', { class: 'panel take-panel', 'data-test': 'ol-take-panel' },
    h('h3', { tabindex: '-1' }, t('ol.takeTitle')),
    h('p', {}, t('ol.takeIntro', { from: formatDate(c.from) })),
    h('ul', { class: 'commitments' },
      c.fee_fen > 0
        ? h('li', { 'data-test': 'ol-take-fee', 'data-amount': String(c.fee_fen), 'data-due': c.fee_due_on },
          t('ol.takeFee', { label, amount: formatFen(c.fee_fen), date: formatDate(c.fee_due_on) }))
        : h('li', { 'data-test': 'ol-take-no-fee' }, t('ol.takeNoFee')),
      c.royalty_bp > 0
        ? h('li', { 'data-test': 'ol-take-royalty' }, t('ol.takeRoyalty', {
          rate: formatPercentBp(c.royalty_bp), base: en ? enumLabel('royalty_bases', c.royalty_base).toLowerCase() : enumLabel('royalty_bases', c.royalty_base),
        }))
        : null,
      h('li', { 'data-test': 'ol-take-years', 'data-to': c.to }, t('ol.takeYears', { years: yearsText(c.years), to: formatDate(c.to) }))),
    h('p', { class: 'muted' }, t('ol.takeRecording')),
    h('div', { class: 'actions' }, confirm,
      h('button', { type: 'button', class: 'btn', 'data-test': 'ol-take-cancel', on: { click: close } }, t('common.cancel'))),
    out);
}

// "Take a license": the first click shows the price, the second signs.
export function takeAction(d, ctx) {
  const wrap = h('div', { class: 'keep-action' });
  const open = h('button', { type: 'button', class: 'btn btn-primary', 'data-test': 'ol-take', 'aria-expanded': 'false' }, t('ol.take'));
  let panel = null;
  const close = () => {
    if (panel) panel.remove();
    panel = null;
    open.setAttribute('aria-expanded', 'false');
    open.focus();
  };
  open.addEventListener('click', () => {
    if (panel) {
      close();
      return;
    }
    panel = takePanel(d, ctx, close);
    wrap.appendChild(panel);
    open.setAttribute('aria-expanded', 'true');
    panel.querySelector('h3').focus();
  });
  wrap.appendChild(open);
  return wrap;
}

// The declaring institution's withdrawal: a button, then a confirm step that says what stays.
export function withdrawAction(d, ctx) {
  const wrap = h('div', { class: 'reason-action' });
  const open = h('button', { type: 'button', class: 'btn btn-danger', 'data-test': 'ol-withdraw' }, t('ol.withdraw'));
  const box = h('div', { class: 'inline-form', hidden: true, 'data-test': 'ol-withdraw-panel' },
    h('p', {}, d.licenses === 1 ? t('ol.withdrawNoteOne') : t('ol.withdrawNote', { n: d.licenses || 0 })),
    h('div', { class: 'actions' },
      actionButton({
        label: t('ol.withdrawConfirm'), testName: 'ol-withdraw-confirm', kind: 'btn btn-danger',
        onClick: async () => { await api.post(`/open-licenses/${d.id}/withdraw`, {}); ctx.rerender(); },
      }),
      h('button', { type: 'button', class: 'btn', on: { click: () => { box.hidden = true; open.hidden = false; open.focus(); } } }, t('common.cancel'))));
  open.addEventListener('click', () => { open.hidden = true; box.hidden = false; });
  wrap.append(open, box);
  return wrap;
}
