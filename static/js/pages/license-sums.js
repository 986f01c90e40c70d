// license-sums: what is due and overdue on a license, from its installments (integer fen only).

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
