// terms-view: how a trial agreement's terms read on every page — one list (mode, fee in yuan,
// payment schedule, royalty rate and base, term, exclusivity, field of use, territory, longest
// trial) and a side-by-side table that marks where two sets of terms differ.

import { h } from '../dom.js';
import { t, enumLabel, getLang } from '../i18n.js';
import { formatFen, formatPercentBp } from '../format.js';
import { terms as termList, table } from '../ui.js';
import { billsRoyalty, needsFee, termsDifferences } from '../terms.js';

export function afterDaysText(n) {
  return Number(n) === 0 ? t('terms.atConversion') : t('terms.afterDays', { n });
}

export function yearsText(n) {
  return Number(n) === 1 ? t('terms.yearValue', { n }) : t('terms.yearsValue', { n });
}

// "30 days after conversion: ¥50,000.00", one line per payment.
export function scheduleList(schedule) {
  const rows = Array.isArray(schedule) ? schedule : [];
  if (rows.length === 0) return t('terms.noFee');
  return h('ul', { class: 'plain-list', 'data-test': 'fee-schedule' }, rows.map((e) => h('li', { 'data-test': 'schedule-entry' },
    h('span', {}, afterDaysText(e.after_days)), getLang() === 'en' ? ': ' : '：', h('span', { class: 'money' }, formatFen(e.amount_fen)))));
}

// The rows of a terms object: [key, label, value node or text]; rows that do not apply are left out
// (a rate for a mode without royalty, a field of use nobody named).
function rows(tm) {
  const royalty = billsRoyalty(tm.payment_mode);
  const out = [
    ['payment_mode', t('ach.paymentMode'), enumLabel('payment_modes', tm.payment_mode)],
  ];
  if (needsFee(tm.payment_mode) || Number(tm.fee_fen) > 0) {
    out.push(['fee_fen', t('terms.fee'), h('span', { 'data-test': 'terms-fee' }, formatFen(tm.fee_fen))]);
    out.push(['fee_schedule', t('terms.schedule'), scheduleList(tm.fee_schedule)]);
  }
  if (royalty) {
    out.push(['royalty_bp', t('terms.royaltyRate'), h('span', { 'data-test': 'terms-royalty' }, formatPercentBp(tm.royalty_bp))]);
    out.push(['royalty_base', t('terms.royaltyBase'), enumLabel('royalty_bases', tm.royalty_base)]);
  }
  if (Number.isInteger(tm.license_years)) out.push(['license_years', t('terms.years'), yearsText(tm.license_years)]);
  if (typeof tm.exclusive === 'boolean') {
    out.push(['exclusive', t('ach.exclusivity'), tm.exclusive ? t('ach.exclusive') : t('ach.nonExclusive')]);
  }
  if (tm.field_of_use) out.push(['field_of_use', t('terms.fieldOfUse'), tm.field_of_use]);
  if (tm.territory) out.push(['territory', t('terms.territory'), tm.territory]);
  if (Number.isInteger(tm.max_trial_months)) {
    out.push(['max_trial_months', t('terms.maxTrial'), t('ach.monthsValue', { n: tm.max_trial_months })]);
  }
  return out;
}

// A <dl> of the terms without the keys in `omit`; `extra` rows ([label, value]) follow them.
export function termsList(tm, { testName = 'terms-list', extra = [], omit = [] } = {}) {
  const shown = rows(tm || {}).filter(([k]) => !omit.includes(k));
  const dl = termList([...shown.map(([, label, value]) => [label, value]), ...extra]);
  dl.setAttribute('data-test', testName);
  return dl;
}

// Two sets of terms side by side; a row that differs is marked (class, data attribute and a word,
// so the mark does not rest on colour alone).
export function termsCompare(left, right, { leftLabel, rightLabel, testName = 'terms-compare' }) {
  const a = left || {};
  const b = right || {};
  const differs = new Set(termsDifferences(a, b));
  const ra = new Map(rows(a).map(([k, label, v]) => [k, { label, v }]));
  const rb = new Map(rows(b).map(([k, label, v]) => [k, { label, v }]));
  const keys = [...new Set([...ra.keys(), ...rb.keys()])];
  const body = keys.map((k) => {
    const label = (ra.get(k) || rb.get(k)).label;
    const mark = differs.has(k);
    return {
      attrs: { 'data-test': 'compare-row', 'data-key': k, 'data-differs': mark ? 'true' : 'false', class: mark ? 'term-differs' : null },
      cells: [
        h('span', {}, label, mark ? h('span', { class: 'tag tag-danger differs-mark' }, t('terms.differs')) : null),
        ra.has(k) ? ra.get(k).v : '—',
        rb.has(k) ? rb.get(k).v : '—',
      ],
    };
  });
  return table([t('terms.item'), leftLabel, rightLabel], body, { 'data-test': testName, class: 'compare' });
}
