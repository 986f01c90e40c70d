// terms: the arithmetic of a trial agreement, without DOM — which modes bill a fixed fee or a
// royalty, a fee schedule's sum and due dates, a quarter's royalty, and where two sets of terms
// differ. Money is integer fen throughout.

import { addDays } from './format.js';

export const ROYALTY_MODES = ['royalty', 'lump_sum_plus_royalty'];
export const FIXED_FEE_MODES = ['lump_sum', 'installments', 'lump_sum_plus_royalty'];

// The fields of `terms` in the order a reader meets them.
export const TERM_KEYS = ['payment_mode', 'fee_fen', 'fee_schedule', 'royalty_bp', 'royalty_base',
  'license_years', 'exclusive', 'field_of_use', 'territory', 'max_trial_months'];

export function billsRoyalty(mode) {
  return ROYALTY_MODES.includes(mode);
}

export function needsFee(mode) {
  return FIXED_FEE_MODES.includes(mode);
}

// The whole fee 30 days after conversion (the service's default); nothing when the fee is 0.
export function defaultSchedule(feeFen) {
  return Number.isInteger(feeFen) && feeFen > 0 ? [{ after_days: 30, amount_fen: feeFen }] : [];
}

export function scheduleSum(schedule) {
  return (Array.isArray(schedule) ? schedule : []).reduce((sum, e) => sum + Number(e.amount_fen || 0), 0);
}

// The installments a conversion on `startYmd` creates: each entry due after_days later, in the
// order of after_days (ties keep their order).
export function scheduleDates(schedule, startYmd) {
  return (Array.isArray(schedule) ? schedule : [])
    .map((e, i) => ({ e, i }))
    .sort((a, b) => (a.e.after_days - b.e.after_days) || (a.i - b.i))
    .map(({ e }) => ({ due_on: addDays(startYmd, Number(e.after_days)), after_days: Number(e.after_days), amount_fen: Number(e.amount_fen) }));
}

// The royalty on a quarter's base as the service computes it: royalty_bp × base / 10000, rounded
// half up; 0 when the base is not positive. BigInt, as fen × basis points can pass 2^53.
export function royaltyFen(bp, baseFen) {
  if (!Number.isInteger(bp) || !Number.isInteger(baseFen) || bp <= 0 || baseFen <= 0) return 0;
  return Number((BigInt(baseFen) * BigInt(bp) + 5000n) / 10000n);
}

// The agreement an achievement offers: its standard_terms, or the same built from its fields
// when the reply predates them.
export function standardTermsOf(a) {
  if (a && a.standard_terms && typeof a.standard_terms === 'object') return a.standard_terms;
  const fee = Number.isInteger(a.reference_fee_fen) ? a.reference_fee_fen : 0;
  return {
    payment_mode: a.payment_mode, fee_fen: fee,
    fee_schedule: Array.isArray(a.fee_schedule) ? a.fee_schedule : defaultSchedule(fee),
    royalty_bp: billsRoyalty(a.payment_mode) ? a.royalty_bp || 0 : 0,
    royalty_base: a.royalty_base || 'net_sales', license_years: a.license_years || 5,
    exclusive: !!a.exclusive, field_of_use: null, territory: null, max_trial_months: a.trial_months,
  };
}

// Whether an enterprise can take these terms as they are: a fixed-fee mode must name a fee.
export function termsComplete(terms) {
  return !!terms && !(needsFee(terms.payment_mode) && !(Number(terms.fee_fen) > 0));
}

function sameValue(key, a, b) {
  if (key === 'fee_schedule') {
    const x = Array.isArray(a) ? a : [];
    const y = Array.isArray(b) ? b : [];
    return x.length === y.length && x.every((e, i) => Number(e.after_days) === Number(y[i].after_days)
      && Number(e.amount_fen) === Number(y[i].amount_fen));
  }
  const norm = (v) => (v === undefined || v === '' ? null : v);
  return norm(a) === norm(b);
}

// The keys whose values differ between two sets of terms (max_trial_months only when both name it).
export function termsDifferences(a, b) {
  if (!a || !b) return [];
  return TERM_KEYS.filter((k) => {
    if (k === 'max_trial_months' && (a[k] === undefined || b[k] === undefined)) return false;
    return !sameValue(k, a[k], b[k]);
  });
}
