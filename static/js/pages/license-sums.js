// license-sums: what is due and overdue on a license, from its installments (integer fen only),
// and from when a default may be marked.

import { addDays } from '../format.js';

// A default may be marked once an installment is unpaid or a report missing 90 days after it
// fell due (api.md, POST /licenses/{id}/default): that first day, or null when nothing is due.
export function defaultPossibleFrom(license) {
  const dues = [];
  for (const i of license.installments || []) {
    if (Number(i.amount_fen) - Number(i.paid_fen || 0) > 0) dues.push(i.due_on);
  }
  for (const r of license.reports_due || []) dues.push(r.due_on);
  if (dues.length === 0) return null;
  dues.sort();
  return addDays(dues[0], 90);
}

// {nextDue: {due_on, remaining_fen} | null, overdueFen, overdueCount}
export function dueSummary(license) {
  const inst = Array.isArray(license.installments) ? license.installments : [];
  let nextDue = null;
  let overdueFen = 0;
  let overdueCount = 0;
  for (const i of inst) {
    const remaining = Number(i.amount_fen) - Number(i.paid_fen || 0);
    if (remaining <= 0) continue;
    if (i.overdue) {
      overdueFen += remaining;
      overdueCount += 1;
    } else if (!nextDue || i.due_on < nextDue.due_on) {
      nextDue = { due_on: i.due_on, remaining_fen: remaining };
    }
  }
  return { nextDue, overdueFen, overdueCount };
}
