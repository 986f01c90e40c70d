// licenses: the caller's licenses (enterprise or institution side) with paid, outstanding,
// next installment due and anything overdue; proposals waiting for the enterprise's answer,
// royalty reports overdue and licenses of patents not yet recorded are flagged. Filters by status
// and by recording state live in the hash (#/inst/licenses?recording=overdue).

import { h, append } from '../dom.js';
import { t, enumLabel } from '../i18n.js';
import * as api from '../api.js';
import { formatFen, formatDate, formatPercentBp } from '../format.js';
import { billsRoyalty } from '../terms.js';
import { enumSelect, field } from '../forms.js';
import { pageTitle, pagedList, badge, terms } from '../ui.js';
import { dueSummary } from './license-sums.js';
import { partyRows, licenseHeading } from './parties.js';

// Pending or overdue recording with the patent office; nothing once recorded or when there is none.
function recordingTag(l) {
  const status = l.recording && l.recording.status;
  if (status !== 'pending' && status !== 'overdue') return null;
  return h('span', { class: status === 'overdue' ? 'tag tag-danger' : 'tag', 'data-test': `recording-${status}` },
    enumLabel('recording_statuses', status), ' · ', formatDate(l.recording_due_on));
}

function licenseCard(l, role) {
  const due = dueSummary(l);
  const reportsOverdue = (l.reports_due || []).some((d) => d.overdue);
  return h('li', { class: 'card', 'data-test': 'license', 'data-id': l.id, 'data-status': l.status },
    h('h2', { class: 'card-title' },
      h('a', { href: `#/licenses/${l.id}`, 'data-test': 'license-link' },
        licenseHeading(l))),
    h('p', { class: 'tags' }, badge('license_statuses', l.status),
      l.status === 'proposed' ? h('span', { class: 'tag tag-accent', 'data-test': 'awaiting-answer' },
        role === 'enterprise' ? t('license.awaitingYou') : t('license.awaitingThem')) : null,
      due.overdueCount > 0 ? h('span', { class: 'tag tag-danger', 'data-test': 'overdue' }, t('license.overdueAmount', { amount: formatFen(due.overdueFen) })) : null,
      reportsOverdue ? h('span', { class: 'tag tag-danger', 'data-test': 'report-overdue' }, t('license.reportsOverdue')) : null,
      l.source === 'open_license' ? h('span', { class: 'tag tag-accent', 'data-test': 'source-open-license' }, t('license.openLicenseTag')) : null,
      recordingTag(l)),
    terms([
      [t('ach.paymentMode'), enumLabel('payment_modes', l.payment_mode)],
      [t('terms.royaltyRate'), billsRoyalty(l.payment_mode) ? formatPercentBp(l.royalty_bp) : undefined],
      [t('license.total'), formatFen(l.total_fen)],
      [t('license.paid'), formatFen(l.paid_fen)],
      [t('license.outstanding'), h('span', { 'data-test': 'outstanding' }, formatFen(l.outstanding_fen))],
      [t('license.nextDue'), due.nextDue ? `${formatDate(due.nextDue.due_on)} · ${formatFen(due.nextDue.remaining_fen)}` : undefined],
      ...partyRows(l),
    ]));
}

export async function render(ctx) {
  const status = ctx.query.get('status') || '';
  const recording = ctx.query.get('recording') || '';
  const base = ctx.user.role === 'enterprise' ? '#/me/licenses' : '#/inst/licenses';
  const sel = enumSelect('license_statuses', { 'data-test': 'filter-status' }, t('common.all'), status);
  const rec = enumSelect('recording_statuses', { 'data-test': 'filter-recording' }, t('common.all'), recording);
  const refilter = () => {
    const q = new URLSearchParams();
    if (sel.value) q.set('status', sel.value);
    if (rec.value) q.set('recording', rec.value);
    const s = q.toString();
    ctx.go(s ? `${base}?${s}` : base);
  };
  sel.addEventListener('change', refilter);
  rec.addEventListener('change', refilter);
  const list = pagedList({
    fetchPage: (cursor) => api.get('/licenses', { status, recording, limit: 20, cursor }),
    renderItem: (l) => licenseCard(l, ctx.user.role),
    empty: t('license.none'),
    testName: 'licenses',
  });
  const title = ctx.user.role === 'enterprise' ? t('nav.myLicenses') : t('nav.instLicenses');
  append(ctx.root, pageTitle(title),
    h('p', { class: 'lead' }, ctx.user.role === 'enterprise' ? t('license.enterpriseIntro') : t('license.institutionIntro')),
    h('div', { class: 'filters' }, field({ name: 'status', label: t('common.status'), control: sel }),
      field({ name: 'recording', label: t('rec.status'), control: rec })),
    list);
  await list.ready;
}
