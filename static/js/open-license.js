// open-license: the rules of a patent open-license declaration, without DOM — which fee kinds carry
// a fixed fee or a royalty, the national guidance on fees and rates (above it a declaration must
// give a public reason), which achievements may be declared, and what taking a license commits an
// enterprise to. Money is integer fen, rates basis points, as the service keeps them.

import { addDays, addMonths } from './format.js';

export const FEE_KINDS = ['lump_sum', 'royalty', 'entry_plus_royalty'];
export const PATENT_KINDS = ['invention_patent', 'utility_model', 'design_patent'];

// National guidance: a fixed fee generally at most 20,000,000 yuan; a royalty generally at most
// 20 % of net sales or 40 % of profit.
export const GUIDE_FEE_FEN = 2000000000;
export const GUIDE_ROYALTY_BP = { net_sales: 2000, profit: 4000 };

// The license fee falls due this many days after the license is taken.
export const TAKE_FEE_DAYS = 30;

export function kindHasFee(kind) {
  return kind === 'lump_sum' || kind === 'entry_plus_royalty';
}

export function kindHasRoyalty(kind) {
  return kind === 'royalty' || kind === 'entry_plus_royalty';
}

export function guideRoyaltyBp(base) {
  return base === 'profit' ? GUIDE_ROYALTY_BP.profit : GUIDE_ROYALTY_BP.net_sales;
}

// The fields whose value lies above the national guidance, as the service judges them: a fee over
// the limit, a rate over the limit of its base (net sales unless profit). Values that do not parse
// (null) are not above anything.
export function aboveGuideline({ fee_kind: kind, fee_fen: fee, royalty_bp: rate, royalty_base: base }) {
  const out = [];
  if (kindHasFee(kind) && Number.isInteger(fee) && fee > GUIDE_FEE_FEN) out.push('fee_fen');
  if (kindHasRoyalty(kind) && Number.isInteger(rate) && rate > guideRoyaltyBp(base)) out.push('royalty_bp');
  return out;
}

// Why an achievement cannot be declared open now, or null when it can: it is not listed, not a
// patent, has no patent numbers, or is exclusive.
export function declarationObstacle(a) {
  if (!a || a.status !== 'listed') return 'status';
  if (!PATENT_KINDS.includes(a.kind)) return 'kind';
  if (!Array.isArray(a.patent_numbers) || a.patent_numbers.length === 0) return 'patents';
  if (a.exclusive) return 'exclusive';
  return null;
}

// What taking declaration d on `today` commits to: the fee and the day it is due, the royalty,
// and the term from today to its end.
export function takeCommitment(d, today) {
  const fee = kindHasFee(d.fee_kind) && Number(d.fee_fen) > 0 ? Number(d.fee_fen) : 0;
  return {
    fee_fen: fee,
    fee_due_on: fee > 0 ? addDays(today, TAKE_FEE_DAYS) : null,
    royalty_bp: kindHasRoyalty(d.fee_kind) ? Number(d.royalty_bp) || 0 : 0,
    royalty_base: d.royalty_base || 'net_sales',
    years: Number(d.years),
    from: today,
    to: addMonths(today, 12 * Number(d.years)),
  };
}
